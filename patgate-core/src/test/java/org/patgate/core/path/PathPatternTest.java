package org.patgate.core.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

    @ParameterizedTest(name = "/rest/** does not match {0}")
    @ValueSource(
            strings = {"/restore", "/rest-api", "/rest-api/x", "/res", "/", "/REST/api", "/api/rest", "/rest\uFF0Fadmin"
            })
    void doubleStarDoesNotMatchPrefixLookalikes(String path) {
        assertThat(PathPattern.parse("/rest/**").matches(path)).isFalse();
    }

    @ParameterizedTest(name = "/rest/** matches {0}")
    @ValueSource(strings = {"/rest", "/rest/", "/rest/api", "/rest/api/2/issue/X-1", "/rest/api/2/"})
    void doubleStarMatchesZeroOrMoreSegments(String path) {
        assertThat(PathPattern.parse("/rest/**").matches(path)).isTrue();
    }

    @Test
    void literalPatternMatchesOnlyTheWholePath() {
        PathPattern search = PathPattern.parse("/rest/api/2/search");

        assertThat(search.matches("/rest/api/2/search")).isTrue();
        assertThat(search.matches("/rest/api/2/searchx")).isFalse();
        assertThat(search.matches("/rest/api/2/searc")).isFalse();
        assertThat(search.matches("/rest/api/2/search/x")).isFalse();
        assertThat(search.matches("/rest/api/2")).isFalse();
        assertThat(search.matches("/Rest/api/2/search")).isFalse();
    }

    @Test
    void trailingSlashIsIgnoredOnBothSides() {
        assertThat(PathPattern.parse("/a/b").matches("/a/b/")).isTrue();
        assertThat(PathPattern.parse("/a/b/").matches("/a/b")).isTrue();
        assertThat(PathPattern.parse("/a/b/").matches("/a/b/")).isTrue();
        assertThat(PathPattern.parse("/a/b/").matches("/a/b/c")).isFalse();
    }

    @ParameterizedTest(name = "/rest/api/*/issue/* vs {0} -> {1}")
    @CsvSource({
        "/rest/api/2/issue/X-1, true",
        "/rest/api/latest/issue/X-1/, true",
        "/rest/api/2/issue, false",
        "/rest/api/2/issue/, false",
        "/rest/api/2/issue/X-1/comment, false",
        "/rest/api/2/3/issue/X-1, false",
        "/rest/api/issue/X-1, false",
    })
    void singleStarMatchesExactlyOneNonEmptySegment(String path, boolean expected) {
        assertThat(PathPattern.parse("/rest/api/*/issue/*").matches(path)).isEqualTo(expected);
    }

    @Test
    void rootPatternMatchesOnlyTheRoot() {
        PathPattern root = PathPattern.parse("/");

        assertThat(root.matches("/")).isTrue();
        assertThat(root.matches("/a")).isFalse();
    }

    @Test
    void everythingPatternMatchesTheRootToo() {
        PathPattern everything = PathPattern.parse("/**");

        assertThat(everything.matches("/")).isTrue();
        assertThat(everything.matches("/wiki/rest/api/content")).isTrue();
    }

    @Test
    void singleStarDoesNotMatchTheRoot() {
        assertThat(PathPattern.parse("/*").matches("/")).isFalse();
        assertThat(PathPattern.parse("/*").matches("/a")).isTrue();
    }

    @Test
    void patternsMatchDecodedCharacters() {
        assertThat(PathPattern.parse("/wiki/spaces/caf\u00e9/**").matches("/wiki/spaces/caf\u00e9/pages"))
                .isTrue();
        assertThat(PathPattern.parse("/files/a b").matches("/files/a b")).isTrue();
    }

    @ParameterizedTest(name = "matching refuses unnormalised {0}")
    @ValueSource(
            strings = {
                "/rest/api/2/search/../issue",
                "/rest/./x",
                "/rest/..",
                "/rest//x",
                "//rest",
                "rest",
                "",
                "/rest;x",
                "/rest\\x",
                "/rest/\u0000"
            })
    void matchingAnUnnormalisedPathThrowsInsteadOfGuessing(String path) {
        assertThatThrownBy(() -> PathPattern.parse("/rest/**").matches(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not normalised");
        assertThatThrownBy(() -> PathPatternSet.of(List.of("/rest/**")).matches(path))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "pattern {0} is refused: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            rest/**               | must start with '/'
            *                     | must start with '/'
            /rest/**/x            | only allowed as the last segment
            /**/rest              | only allowed as the last segment
            /a/./b                | '.' segment
            /a/../b               | '..' segment
            /a/..                 | '..' segment
            /a%2Fb                | contains '%'
            /a;jsessionid=1       | contains ';'
            /a?x=1                | contains '?'
            /a#x                  | contains '#'
            /a\\b                 | contains '\\'
            /a//b                 | empty segment
            //                    | empty segment
            /rest*                | whole segment
            /re*st/x              | whole segment
            /***                  | whole segment
            /a/*x                 | whole segment
            """)
    void invalidPatternIsRefusedNamingTheProblem(String pattern, String problem) {
        assertThatThrownBy(() -> PathPattern.parse(pattern))
                .isInstanceOf(InvalidPathPatternException.class)
                .isInstanceOf(org.patgate.core.PatgateException.class)
                .hasMessageContaining(pattern)
                .hasMessageContaining(problem);
    }

    @Test
    void emptyAndControlCharacterPatternsAreRefused() {
        assertThatThrownBy(() -> PathPattern.parse("")).isInstanceOf(InvalidPathPatternException.class);
        assertThatThrownBy(() -> PathPattern.parse(null)).isInstanceOf(InvalidPathPatternException.class);
        assertThatThrownBy(() -> PathPattern.parse("/a\nb"))
                .isInstanceOf(InvalidPathPatternException.class)
                .hasMessageContaining("control character")
                .hasMessageNotContaining("\n");
    }

    @Test
    void toStringIsThePatternText() {
        assertThat(PathPattern.parse("/rest/api/*/issue/*")).hasToString("/rest/api/*/issue/*");
        assertThat(PathPattern.parse("/wiki/rest/**")).hasToString("/wiki/rest/**");
    }

    @Test
    void patternSetMatchesWhenAnyPatternMatches() {
        PathPatternSet set = PathPatternSet.of(List.of("/rest/api/2/search", "/wiki/rest/**"));

        assertThat(set.isEmpty()).isFalse();
        assertThat(set.matches("/rest/api/2/search")).isTrue();
        assertThat(set.matches("/wiki/rest/api/content")).isTrue();
        assertThat(set.matches("/rest/api/2/issue")).isFalse();
        assertThat(set.patterns())
                .extracting(PathPattern::toString)
                .containsExactly("/rest/api/2/search", "/wiki/rest/**");
    }

    @Test
    void emptyPatternSetMatchesNothing() {
        assertThat(PathPatternSet.of(List.of()).isEmpty()).isTrue();
        assertThat(PathPatternSet.of(List.of()).matches("/")).isFalse();
        assertThat(PathPatternSet.empty().matches("/rest")).isFalse();
    }

    @Test
    void patternSetRefusesAnyInvalidPattern() {
        assertThatThrownBy(() -> PathPatternSet.of(List.of("/rest/**", "/a/../b")))
                .isInstanceOf(InvalidPathPatternException.class)
                .hasMessageContaining("/a/../b");
    }

    @Test
    void normalisedTraversalIsMatchedWhereTheUpstreamActs() {
        NormalizedPath.Ok ok = (NormalizedPath.Ok) PathNormalizer.normalize("/rest/api/2/search/..;/%2e%2e/admin");

        assertThat(ok.decoded()).isEqualTo("/rest/api/admin");
        assertThat(PathPattern.parse("/rest/api/2/**").matches(ok.decoded())).isFalse();
        assertThat(PathPattern.parse("/rest/api/*").matches(ok.decoded())).isTrue();
    }
}
