package org.patgate.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RulePresetsTest {

    private static final TokenRules BITBUCKET =
            RulePresets.named("bitbucket-read-only").orElseThrow();

    @ParameterizedTest(name = "{0} {1} is allowed")
    @CsvSource({
        "GET, /scm/PRJ/repo.git/info/refs",
        "POST, /scm/PRJ/repo.git/git-upload-pack",
        "GET, /scm/~alice/repo.git/info/refs",
        "POST, /scm/PRJ/repo/git-upload-pack",
        "GET, /bitbucket/scm/PRJ/repo.git/info/refs",
        "POST, /bitbucket/scm/PRJ/repo.git/git-upload-pack",
        "GET, /rest/api/1.0/projects",
        "GET, /rest/api/latest/projects/PRJ/repos"
    })
    void bitbucketReadOnlyFetchesWithGitAndReadsTheRestApi(String method, String path) {
        assertThat(BITBUCKET.decide(method, path).isAllowed()).isTrue();
    }

    @ParameterizedTest(name = "{0} {1} is refused")
    @CsvSource({
        "POST, /scm/PRJ/repo.git/git-receive-pack",
        "GET, /scm/PRJ/repo.git/git-receive-pack",
        "POST, /bitbucket/scm/PRJ/repo.git/git-receive-pack",
        "GET, /scm/PRJ/repo.git/git-upload-pack",
        "POST, /scm/PRJ/repo.git/info/refs",
        "PUT, /scm/PRJ/repo.git/info/refs",
        "GET, /scm/PRJ/repo.git/objects/info/packs",
        "GET, /scm/PRJ/info/refs",
        "GET, /scm/PRJ/group/repo.git/info/refs",
        "GET, /other/scm/PRJ/repo.git/info/refs",
        "POST, /rest/api/1.0/projects",
        "DELETE, /rest/api/latest/projects/PRJ"
    })
    void bitbucketReadOnlyRefusesPushAndAnythingElse(String method, String path) {
        assertThat(BITBUCKET.decide(method, path).isAllowed()).isFalse();
    }

    @ParameterizedTest(name = "the push behind info/refs under ''{0}'' is refused")
    @ValueSource(strings = {"", "/bitbucket"})
    void thePushAnAnnouncementWouldStartIsRefused(String context) {
        // The gateway checks a receive-pack announcement as the POST it announces.
        assertThat(BITBUCKET
                        .decide("POST", context + "/scm/PRJ/repo.git/git-receive-pack")
                        .isAllowed())
                .isFalse();
        assertThat(BITBUCKET
                        .decide("GET", context + "/scm/PRJ/repo.git/info/refs")
                        .isAllowed())
                .isTrue();
    }
}
