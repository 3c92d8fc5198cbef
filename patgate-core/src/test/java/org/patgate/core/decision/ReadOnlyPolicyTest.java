package org.patgate.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.core.path.PathPatternSet;

class ReadOnlyPolicyTest {

    private final ReadOnlyPolicy jira = new ReadOnlyPolicy(PathPatternSet.of(ReadOnlyPolicy.DEFAULT_READ_ONLY_POSTS));
    private final ReadOnlyPolicy noPosts = new ReadOnlyPolicy(PathPatternSet.empty());

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS"})
    void safeMethodsAreAllowed(String method) {
        assertThat(noPosts.decide(method, "/rest/api/2/issue/X-1", false)).isEqualTo(Decision.ALLOW);
    }

    @ParameterizedTest(name = "{0} is denied with 403")
    @ValueSource(strings = {"get", "Get", "head", "options", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "FOO", "post", "PROPFIND",
        "MKCOL"})
    void everyOtherMethodIsForbidden(String method) {
        Decision decision = jira.decide(method, "/rest/api/2/search", false);

        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.status()).isEqualTo(403);
            assertThat(deny.reason()).contains("read-only");
        });
    }

    @ParameterizedTest(name = "method \"{0}\" is a bad request")
    @ValueSource(strings = {"", "GE T", "GET\r\n", "G(ET", "GET/", "G\u00c9T"})
    void methodThatIsNotATokenIsABadRequest(String method) {
        assertThat(jira.decide(method, "/rest/api/2/issue", false)).isEqualTo(Decision.Deny.badRequest("invalid request method"));
    }

    @Test
    void nullMethodIsABadRequest() {
        assertThat(jira.decide(null, "/", false)).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.status()).isEqualTo(400));
    }

    @Test
    void postToAllowlistedSearchIsAllowed() {
        assertThat(jira.decide("POST", "/rest/api/2/search", false)).isEqualTo(Decision.ALLOW);
        assertThat(jira.decide("POST", "/rest/api/latest/search/", false)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void postToSearchWithoutAllowlistIsDenied() {
        assertThat(noPosts.decide("POST", "/rest/api/2/search", false)).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.status()).isEqualTo(403));
    }

    @Test
    void postToOtherPathsIsDenied() {
        assertThat(jira.decide("POST", "/rest/api/2/issue", false)).isInstanceOf(Decision.Deny.class);
        assertThat(jira.decide("POST", "/rest/api/2/search/x", false)).isInstanceOf(Decision.Deny.class);
        assertThat(jira.decide("POST", "/rest/api/2/searchx", false)).isInstanceOf(Decision.Deny.class);
    }

    @ParameterizedTest(name = "POST {0} is denied after normalisation")
    @ValueSource(strings = {"/rest/api/2/search/../issue", "/rest/api/2/search/..;/issue", "/rest/api/2/search/%2e%2e/issue",
        "/rest/api/2/search;x/../issue"})
    void postThatTraversesOutOfSearchIsDenied(String raw) {
        NormalizedPath.Ok path = (NormalizedPath.Ok) PathNormalizer.normalize(raw);

        assertThat(path.decoded()).isEqualTo("/rest/api/2/issue");
        assertThat(jira.decide("POST", path.decoded(), false)).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.status()).isEqualTo(403));
    }

    @Test
    void postWithAnUnnormalisedPathThrowsSoTheCallerFailsClosed() {
        assertThatThrownBy(() -> jira.decide("POST", "/rest/api/2/search/../issue", false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} with a method override is denied")
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "POST"})
    void methodOverrideIsAlwaysDenied(String method) {
        assertThat(jira.decide(method, "/rest/api/2/search", true)).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.status()).isEqualTo(403);
            assertThat(deny.reason()).contains("method override");
        });
    }

    @Test
    void overrideHeadersAreTheThreeKnownNames() {
        assertThat(ReadOnlyPolicy.OVERRIDE_HEADERS)
                .containsExactly("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
    }

    @Test
    void policyRequiresAnAllowlist() {
        assertThatThrownBy(() -> new ReadOnlyPolicy(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void policyExposesItsAllowlist() {
        assertThat(jira.readOnlyPosts()).isEqualTo(PathPatternSet.of(List.of("/rest/api/2/search", "/rest/api/latest/search")));
    }
}
