package org.patgate.core.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Properties over many generated paths (fixed seeds, so failures reproduce): the normaliser never
 * throws, agrees with a slow, obviously-correct reference written from the rules, its output has no
 * traversal or ambiguity left, and {@code encoded} is a fixpoint.
 */
class PathNormalizerPropertyTest {

    private static final String[] PIECES = {
        "/",
        "/",
        "/",
        "/",
        "a",
        "b",
        "Rest",
        "X-1",
        ".",
        ".",
        "..",
        "..",
        "...",
        "%2e",
        "%2E",
        "%2e%2e",
        ";",
        ";x=1",
        ";jsessionid=A1",
        "%25",
        "%252F",
        "%2F",
        "%2f",
        "%5C",
        "%3B",
        "%3b",
        "%00",
        "%0A",
        "%7F",
        "%41",
        "%7E",
        "%C3%A9",
        "%C3",
        "%A9",
        "%80",
        "%C0%AE",
        "%C0%AF",
        "%E0%80%AE",
        "%ED%A0%80",
        "%F0%9F%98%80",
        "%F4%90%80%80",
        "%EF%BC%8F",
        "%C2%85",
        "%",
        "%4",
        "%zz",
        "\\",
        " ",
        "\u00e9",
        "?",
        "#",
        ":",
        "@",
        "~",
        "!",
        "=",
        "%20",
        "%3F",
        "%3A",
        "32",
        "2F",
        "\u0000",
        "\t",
        "\u007f",
        "//",
        "/./",
        "/../",
        "/..;/",
        "/.;x/",
    };

    private static final Pattern ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    private static final String LITERAL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@";

    @Test
    void generatedPathsAgreeWithReferenceAndKeepInvariants() {
        Random random = new Random(20240611L);
        int ok = 0;
        int refused = 0;
        for (int n = 0; n < 150_000; n++) {
            StringBuilder raw = new StringBuilder(random.nextInt(10) == 0 ? "" : "/");
            int pieces = random.nextInt(14);
            for (int p = 0; p < pieces; p++) {
                raw.append(
                        switch (random.nextInt(12)) {
                            case 0 -> "%" + hex(random.nextInt(256));
                            case 1 -> String.valueOf((char) random.nextInt(256));
                            default -> PIECES[random.nextInt(PIECES.length)];
                        });
            }
            if (checkAgainstReference(raw.toString())) {
                ok++;
            } else {
                refused++;
            }
        }
        // The generator must exercise both outcomes substantially, or this test proves little.
        assertThat(ok).isGreaterThan(20_000);
        assertThat(refused).isGreaterThan(20_000);
    }

    @Test
    void randomCharacterStringsNeverThrowAndAgreeWithReference() {
        Random random = new Random(7L);
        for (int n = 0; n < 50_000; n++) {
            char[] chars = new char[random.nextInt(24)];
            for (int i = 0; i < chars.length; i++) {
                int bound = random.nextInt(4) == 0 ? 0x10000 : 0x80;
                chars[i] = (char) random.nextInt(bound);
            }
            if (chars.length > 0 && random.nextBoolean()) {
                chars[0] = '/';
            }
            checkAgainstReference(new String(chars));
        }
    }

    @Test
    void randomEscapedByteStringsNeverThrowAndAgreeWithReference() {
        Random random = new Random(42L);
        int ok = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder raw = new StringBuilder("/");
            int bytes = random.nextInt(12);
            for (int i = 0; i < bytes; i++) {
                int b = random.nextInt(3) == 0 ? random.nextInt(256) : 0x80 + random.nextInt(0x80);
                raw.append('%').append(hex(b));
            }
            if (checkAgainstReference(raw.toString())) {
                ok++;
            }
        }
        assertThat(ok).isGreaterThan(500);
    }

    @Test
    void encodingOfAnyUnicodeSegmentIsAFixpoint() {
        Random random = new Random(99L);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder raw = new StringBuilder();
            for (int s = 0; s < 1 + random.nextInt(4); s++) {
                raw.append('/');
                for (int i = 0; i < random.nextInt(6); i++) {
                    int codePoint = random.nextInt(0x110000);
                    if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                        continue;
                    }
                    for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
                        raw.append('%').append(hex(b & 0xFF));
                    }
                }
            }
            checkAgainstReference(raw.toString());
        }
    }

    /** Returns whether the path was accepted; asserts every property along the way. */
    private static boolean checkAgainstReference(String raw) {
        NormalizedPath actual = PathNormalizer.normalize(raw);
        NormalizedPath expected = reference(raw);
        String shown = escape(raw);
        if (expected instanceof NormalizedPath.Refused) {
            assertThat(actual).as(shown).isInstanceOf(NormalizedPath.Refused.class);
            assertThat(((NormalizedPath.Refused) actual).reason()).as(shown).isNotBlank();
            return false;
        }
        assertThat(actual).as(shown).isEqualTo(expected);
        NormalizedPath.Ok ok = (NormalizedPath.Ok) actual;
        assertThat(PathNormalizer.normalize(ok.encoded()))
                .as("fixpoint of " + shown)
                .isEqualTo(ok);
        String decoded = ok.decoded();
        assertThat(decoded)
                .as(shown)
                .startsWith("/")
                .doesNotContain("/../", "/./", "//", "\\", ";")
                .doesNotEndWith("/..")
                .doesNotEndWith("/.")
                .doesNotContainPattern("[\\x00-\\x1F\\x7F-\\x9F]");
        assertThat(ok.encoded()).as(shown).matches("(/|[" + Pattern.quote(LITERAL) + "]|%[0-9A-F]{2})+");
        // Every accepted path is one a pattern accepts as normalised (it would throw otherwise).
        assertThat(PathPattern.parse("/**").matches(decoded)).isTrue();
        return true;
    }

    /** The rules, written the slow and obvious way: split, strip, decode strictly, resolve. */
    private static NormalizedPath reference(String raw) {
        NormalizedPath.Refused refused = new NormalizedPath.Refused("refused");
        if (raw == null || raw.isEmpty() || raw.length() > 8192 || raw.charAt(0) != '/') {
            return refused;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()
                        || !ESCAPE.matcher(raw.substring(i, i + 3)).matches()) {
                    return refused;
                }
            } else if (c != '/' && c != ';' && LITERAL.indexOf(c) < 0) {
                return refused;
            }
        }
        Deque<String> segments = new ArrayDeque<>();
        boolean trailingSlash = false;
        for (String rawSegment : raw.substring(1).split("/", -1)) {
            int parameters = rawSegment.indexOf(';');
            String content = parameters >= 0 ? rawSegment.substring(0, parameters) : rawSegment;
            String segment;
            try {
                segment = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(percentDecode(content)))
                        .toString();
            } catch (CharacterCodingException e) {
                return refused;
            }
            if (segment.codePoints()
                            .anyMatch(
                                    cp -> cp < 0x20 || cp >= 0x7F && cp <= 0x9F || cp == '/' || cp == '\\' || cp == ';')
                    || ESCAPE.matcher(segment).find()) {
                return refused;
            }
            trailingSlash = segment.isEmpty() || segment.equals(".") || segment.equals("..");
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return refused;
                }
                segments.removeLast();
            } else if (!trailingSlash) {
                segments.addLast(segment);
            }
        }
        if (segments.isEmpty()) {
            return new NormalizedPath.Ok("/", "/");
        }
        List<String> encoded = new ArrayList<>();
        for (String segment : segments) {
            StringBuilder out = new StringBuilder();
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int unsigned = b & 0xFF;
                if (unsigned < 0x80 && LITERAL.indexOf(unsigned) >= 0) {
                    out.append((char) unsigned);
                } else {
                    out.append('%').append(hex(unsigned));
                }
            }
            encoded.add(out.toString());
        }
        String suffix = trailingSlash ? "/" : "";
        return new NormalizedPath.Ok(
                "/" + String.join("/", segments) + suffix, "/" + String.join("/", encoded) + suffix);
    }

    private static byte[] percentDecode(String text) {
        byte[] out = new byte[text.length()];
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                out[length++] = (byte) Integer.parseInt(text.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[length++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, length);
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }

    private static String escape(String raw) {
        StringBuilder out = new StringBuilder("raw path \"");
        raw.chars()
                .forEach(c ->
                        out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.append('"').toString();
    }
}
