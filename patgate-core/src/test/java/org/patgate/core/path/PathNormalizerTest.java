package org.patgate.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathNormalizerTest {

    private static final String REFUSED = null;

    /** trick, raw path, expected decoded (null: refused), expected encoded (null: same as decoded). */
    static Stream<Arguments> cases() {
        return Stream.of(
                // plain paths pass unchanged
                ok("root", "/", "/"),
                ok("plain REST path", "/rest/api/2/issue/X-1", "/rest/api/2/issue/X-1"),
                ok("trailing slash is kept", "/rest/api/2/", "/rest/api/2/"),
                ok("case is preserved", "/REST/Api/2", "/REST/Api/2"),
                ok("sub-delims, colon and at sign stay raw", "/a/b:c@d!$&'()*+,=", "/a/b:c@d!$&'()*+,="),
                ok("unreserved punctuation stays raw", "/~user/_x-y.z", "/~user/_x-y.z"),
                ok("trailing dot in a segment is kept", "/rest/api/2/issue.", "/rest/api/2/issue."),
                ok("three dots is a name", "/a/...", "/a/..."),
                ok("dot-prefixed name is kept", "/a/.hidden", "/a/.hidden"),
                ok("double-dot-prefixed name is kept", "/a/..x/b", "/a/..x/b"),
                ok("double-dot-suffixed name is kept", "/a/x../b", "/a/x../b"),
                // dot segments
                ok("single dot segment removed", "/rest/api/2/issue/./X-1", "/rest/api/2/issue/X-1"),
                ok("dot-dot pops a segment", "/rest/../admin", "/admin"),
                ok("search/../issue is issue", "/rest/api/2/search/../issue", "/rest/api/2/issue"),
                refused("dot-dot above the root", "/../etc"),
                refused("bare dot-dot", "/.."),
                refused("climb above root after a segment", "/a/../.."),
                refused("climb above root then descend", "/a/../../b"),
                refused("deep climb above root", "/a/b/c/../../../.."),
                ok("trailing dot-dot keeps a trailing slash", "/rest/api/2/issue/..", "/rest/api/2/"),
                ok("trailing dot keeps a trailing slash", "/a/b/.", "/a/b/"),
                ok("trailing dot-dot", "/a/b/..", "/a/"),
                ok("dot-dot to the root", "/a/..", "/"),
                ok("bare dot is the root", "/.", "/"),
                ok("two pops", "/a/b/../../c", "/c"),
                ok("several single dots", "/a/./b/./c", "/a/b/c"),
                // percent-encoded dots are dots
                ok("encoded dot-dot", "/rest/%2e%2e/admin", "/admin"),
                ok("mixed-case encoded dot-dot", "/rest/%2E%2e/admin", "/admin"),
                ok("encoded dot-dot with trailing slash", "/a/%2E%2e/", "/"),
                ok("dot then encoded dot", "/a/b/.%2e", "/a/"),
                ok("encoded dot then dot", "/a/b/%2e./c", "/a/c"),
                ok("encoded single dot", "/a/%2e/b", "/a/b"),
                refused("encoded dot-dot above the root", "/%2e%2e/etc"),
                ok("three encoded dots is a name", "/a/%2e%2e%2e", "/a/..."),
                // path parameters (Tomcat): stripped per segment, before decoding
                ok(";jsessionid is stripped", "/rest/api/2/issue;jsessionid=abc/X-1", "/rest/api/2/issue/X-1"),
                ok("dot-dot with a parameter still pops", "/a/..;/b", "/b"),
                ok("..;/ escapes the prefix", "/rest/..;/admin", "/admin"),
                ok("dot with a parameter is removed", "/a/.;x/b", "/a/b"),
                refused("..;/ above the root", "/..;/etc"),
                ok("parameter on the last segment", "/a;x", "/a"),
                ok("parameter-only segment collapses", "/a/;x/b", "/a/b"),
                ok("several parameters in one segment", "/a;x=1;y=2/b", "/a/b"),
                ok("parameter before a trailing slash", "/a/b;x/", "/a/b/"),
                ok("encoded dot-dot with a parameter", "/a/%2e%2e;x/b", "/b"),
                ok("escapes inside a parameter are dropped", "/a;p=%41/b", "/a/b"),
                refused("malformed escape inside a parameter", "/a;p=%zz/b"),
                refused("control character inside a parameter", "/a;p=\n/b"),
                refused("encoded semicolon", "/a%3Bjsessionid=x/b"),
                refused("encoded semicolon lower case", "/a%3bx/b"),
                refused("dot-dot with encoded semicolon", "/a/..%3B/b"),
                // encoded separators and backslashes
                refused("encoded slash", "/a%2Fb"),
                refused("encoded slash lower case", "/a%2fb"),
                refused("encoded slash traversal", "/a/..%2F..%2Fetc"),
                refused("encoded backslash", "/a%5Cb"),
                refused("encoded backslash lower case", "/a%5cb"),
                refused("raw backslash", "/a\\b"),
                refused("raw backslash traversal", "/a/..\\..\\etc"),
                // double encoding
                refused("double-encoded slash", "/a%252Fb"),
                refused("double-encoded dot-dot", "/a/%252e%252e/b"),
                refused("double encoding spelled with escapes", "/a%25%32%46b"),
                refused("double-encoded NUL", "/a%2500"),
                ok("encoded percent sign alone", "/100%25", "/100%", "/100%25"),
                ok("encoded percent before non-hex", "/a%25zz", "/a%zz", "/a%25zz"),
                ok("encoded percent at segment end", "/a%25/2F", "/a%/2F", "/a%25/2F"),
                // control characters, raw and encoded
                refused("encoded NUL", "/a%00b"),
                refused("encoded line feed", "/a%0Ab"),
                refused("encoded carriage return lower case", "/a%0db"),
                refused("encoded DEL", "/a%7Fb"),
                refused("encoded tab", "/a%09b"),
                refused("raw NUL", "/a\u0000b"),
                refused("raw line feed", "/a\nb"),
                refused("raw carriage return", "/a\rb"),
                refused("raw DEL", "/a\u007Fb"),
                refused("raw tab", "/a\tb"),
                refused("encoded C1 next-line", "/a%C2%85b"),
                refused("encoded C1 first", "/a%C2%80b"),
                // UTF-8
                ok("encoded e-acute", "/caf%C3%A9", "/caf\u00e9", "/caf%C3%A9"),
                ok("lower-case escapes re-encoded upper case", "/caf%c3%a9", "/caf\u00e9", "/caf%C3%A9"),
                ok("fullwidth solidus is just a character", "/a%EF%BC%8Fb", "/a\uFF0Fb", "/a%EF%BC%8Fb"),
                ok(
                        "fullwidth full stops are not dots",
                        "/a/%EF%BC%8E%EF%BC%8E/b",
                        "/a/\uFF0E\uFF0E/b",
                        "/a/%EF%BC%8E%EF%BC%8E/b"),
                ok("four-byte character", "/%F0%9F%98%80", "/\uD83D\uDE00", "/%F0%9F%98%80"),
                ok("highest code point", "/%F4%8F%BF%BF", "/\uDBFF\uDFFF", "/%F4%8F%BF%BF"),
                refused("overlong dot-dot", "/a/%C0%AE%C0%AE/b"),
                refused("overlong slash", "/a%C0%AFb"),
                refused("three-byte overlong slash", "/a%E0%80%AFb"),
                refused("three-byte overlong dot", "/a/%E0%80%AE%E0%80%AE/b"),
                refused("overlong C1 lead", "/a%C1%BFb"),
                refused("four-byte overlong slash", "/a%F0%80%80%AFb"),
                refused("UTF-8 encoded surrogate", "/a%ED%A0%80b"),
                refused("lone continuation byte", "/a%80b"),
                refused("lone high continuation byte", "/a%BFb"),
                refused("truncated sequence at the end", "/caf%C3"),
                refused("truncated three-byte sequence", "/a%E2%82"),
                refused("invalid continuation", "/a%C3%28b"),
                refused("lead byte above U+10FFFF", "/a%F5%80%80%80"),
                refused("code point above U+10FFFF", "/a%F4%90%80%80"),
                refused("byte FF", "/a%FF"),
                refused("sequence split by a slash", "/%C3/%A9"),
                refused("sequence split by a parameter", "/%C3;x%A9"),
                // malformed escapes
                refused("percent at the end", "/a%"),
                refused("one hex digit at the end", "/a%4"),
                refused("non-hex escape", "/a%zz"),
                refused("half-hex escape", "/a%G1"),
                refused("one hex digit before a slash", "/a%4/b"),
                // empty segments
                ok("double slash collapses", "//", "/"),
                ok("leading slashes collapse", "///rest", "/rest"),
                ok("inner double slash collapses", "/a//b", "/a/b"),
                ok("double trailing slash collapses", "/a//", "/a/"),
                refused("collapsed slashes then dot-dot above the root", "//../x"),
                // request-target forms
                refused("empty", ""),
                refused("null", null),
                refused("asterisk form", "*"),
                refused("absolute form", "http://x/y"),
                refused("relative path", "rest/api"),
                // characters that must be percent-encoded
                refused("raw non-ASCII", "/caf\u00e9"),
                refused("raw space", "/a b"),
                refused("raw question mark", "/a?b"),
                refused("raw hash", "/a#b"),
                refused("raw angle brackets", "/a<script>"),
                refused("raw pipe", "/a|b"),
                refused("raw square brackets", "/a[0]"),
                refused("raw caret", "/a^b"),
                refused("raw backtick", "/a`b"),
                refused("raw braces", "/a{b}"),
                refused("raw double quote", "/a\"b"),
                // encoded characters that are decoded once and re-encoded
                ok("encoded space", "/a%20b", "/a b", "/a%20b"),
                ok("encoded question mark", "/a%3Fb", "/a?b", "/a%3Fb"),
                ok("encoded hash", "/a%23b", "/a#b", "/a%23b"),
                ok("encoded unreserved letters are decoded", "/%41%42", "/AB", "/AB"),
                ok("encoded tilde is decoded", "/%7Euser", "/~user", "/~user"),
                ok("encoded colon is decoded", "/a%3Ab", "/a:b", "/a:b"),
                // length
                ok("path of exactly 8 KiB", "/" + "a".repeat(8191), "/" + "a".repeat(8191)),
                refused("path over 8 KiB", "/" + "a".repeat(8192)),
                refused("long dot-dot climb", "/a" + "/..".repeat(2000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void normalisesOrRefuses(String trick, String raw, String expectedDecoded, String expectedEncoded) {
        NormalizedPath result = PathNormalizer.normalize(raw);

        if (expectedDecoded == REFUSED) {
            assertThat(result).as(trick).isInstanceOf(NormalizedPath.Refused.class);
        } else {
            assertThat(result)
                    .as(trick)
                    .isEqualTo(new NormalizedPath.Ok(
                            expectedDecoded, expectedEncoded != null ? expectedEncoded : expectedDecoded));
        }
    }

    @Test
    void caseTableIsLargeAndNamesAreUnique() {
        assertThat(cases().map(arguments -> (String) arguments.get()[0]))
                .hasSizeGreaterThanOrEqualTo(80)
                .doesNotHaveDuplicates();
    }

    @Test
    void alreadyNormalPathIsReturnedWithoutCopying() {
        String raw = "/rest/api/2/issue/X-1";

        NormalizedPath.Ok ok = (NormalizedPath.Ok) PathNormalizer.normalize(raw);

        assertThat(ok.decoded()).isSameAs(raw);
        assertThat(ok.encoded()).isSameAs(raw);
    }

    @Test
    void refusalReasonDoesNotEchoThePath() {
        NormalizedPath result = PathNormalizer.normalize("/<script>alert(1)</script>%0A");

        assertThat(result)
                .isInstanceOfSatisfying(
                        NormalizedPath.Refused.class,
                        refused -> assertThat(refused.reason()).isNotBlank().doesNotContain("script"));
    }

    @Test
    void refusalsNameTheProblem() {
        assertThat(reason("/a%2Fb")).contains("encoded '/'");
        assertThat(reason("/a%3Bb")).contains("encoded ';'");
        assertThat(reason("/a%252F")).contains("double");
        assertThat(reason("/a%C0%AF")).contains("UTF-8");
        assertThat(reason("/a%4")).contains("malformed");
        assertThat(reason("/..")).contains("above the root");
        assertThat(reason("*")).contains("start with '/'");
    }

    private static String reason(String raw) {
        return ((NormalizedPath.Refused) PathNormalizer.normalize(raw)).reason();
    }

    private static Arguments ok(String trick, String raw, String decoded) {
        return Arguments.of(trick, raw, decoded, null);
    }

    private static Arguments ok(String trick, String raw, String decoded, String encoded) {
        return Arguments.of(trick, raw, decoded, encoded);
    }

    private static Arguments refused(String trick, String raw) {
        return Arguments.of(trick, raw, REFUSED, null);
    }
}
