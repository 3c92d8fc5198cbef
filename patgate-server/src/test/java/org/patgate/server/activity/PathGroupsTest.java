package org.patgate.server.activity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathGroupsTest {

    private final PathGroups groups = new PathGroups(5);

    @ParameterizedTest
    @CsvSource({
        "/rest/api/2/issue/DEMO-7, /rest/api/2/issue/{id}",
        "/rest/api/2/issue/10023, /rest/api/2/issue/{id}",
        "/rest/api/2/issue/DEMO-7/comment, /rest/api/2/issue/{id}/**",
        "/rest/api/2/search, /rest/api/2/search",
        "/rest/api/2/search/, /rest/api/2/search",
        "/rest/api/content/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, /rest/api/content/{id}",
        "/scm/proj/repo.git/info/refs, /scm/proj/repo.git/info/refs",
        "/rest/api/1.0/commits/3f2a9c0d1e4b5a6c7d8e, /rest/api/1.0/commits/{id}",
        "/rest/api/2/issue/cafebabe, /rest/api/2/issue/cafebabe",
        "/, /"
    })
    void idLikeSegmentsBecomeIdAndLongPathsAreCut(String path, String group) {
        assertThat(groups.of(path)).isEqualTo(group);
    }

    @Test
    void aPathRefusedBeforeNormalisingHasItsOwnGroup() {
        assertThat(groups.of(null)).isEqualTo(PathGroups.UNPARSED);
    }

    @Test
    void theSamePathGivesTheSameGroupObjectOnceCached() {
        String first = groups.of("/rest/api/2/issue/DEMO-7");
        assertThat(groups.of("/rest/api/2/issue/DEMO-7")).isSameAs(first);
    }

    @Test
    void depthIsConfigurable() {
        assertThat(new PathGroups(2).of("/rest/api/2/issue/DEMO-7")).isEqualTo("/rest/api/**");
    }
}
