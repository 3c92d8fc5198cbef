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

    private static final String JSON = "application/json";

    private final ReadOnlyPolicy jira = new ReadOnlyPolicy(PathPatternSet.of(ReadOnlyPolicy.DEFAULT_READ_ONLY_POSTS));
    private final ReadOnlyPolicy noPosts = new ReadOnlyPolicy(PathPatternSet.empty());

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS"})
    void safeMethodsAreAllowed(String method) {
        assertThat(noPosts.decide(method, "/rest/api/2/issue/X-1", false, JSON)).isEqualTo(Decision.ALLOW);
    }

    @ParameterizedTest(name = "{0} is denied with 403")
    @ValueSource(
            strings = {
                "get",
                "Get",
                "head",
                "options",
                "PUT",
                "DELETE",
                "PATCH",
                "TRACE",
                "CONNECT",
                "FOO",
                "post",
                "PROPFIND",
                "MKCOL"
            })
    void everyOtherMethodIsForbidden(String method) {
        Decision decision = jira.decide(method, "/rest/api/2/search", false, JSON);

        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.status()).isEqualTo(403);
            assertThat(deny.reason()).contains("read-only");
        });
    }

    @ParameterizedTest(name = "method \"{0}\" is a bad request")
    @ValueSource(strings = {"", "GE T", "GET\r\n", "G(ET", "GET/", "G\u00c9T"})
    void methodThatIsNotATokenIsABadRequest(String method) {
        assertThat(jira.decide(method, "/rest/api/2/issue", false, JSON))
                .isEqualTo(Decision.Deny.badRequest("invalid request method"));
    }

    @Test
    void nullMethodIsABadRequest() {
        assertThat(jira.decide(null, "/", false, JSON))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, deny -> assertThat(deny.status()).isEqualTo(400));
    }

    @Test
    void postToAllowlistedSearchIsAllowed() {
        assertThat(jira.decide("POST", "/rest/api/2/search", false, JSON)).isEqualTo(Decision.ALLOW);
        assertThat(jira.decide("POST", "/rest/api/latest/search/", false, JSON)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void postToSearchWithoutAllowlistIsDenied() {
        assertThat(noPosts.decide("POST", "/rest/api/2/search", false, JSON))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, deny -> assertThat(deny.status()).isEqualTo(403));
    }

    @Test
    void postToOtherPathsIsDenied() {
        assertThat(jira.decide("POST", "/rest/api/2/issue", false, JSON)).isInstanceOf(Decision.Deny.class);
        assertThat(jira.decide("POST", "/rest/api/2/search/x", false, JSON)).isInstanceOf(Decision.Deny.class);
        assertThat(jira.decide("POST", "/rest/api/2/searchx", false, JSON)).isInstanceOf(Decision.Deny.class);
    }

    @ParameterizedTest(name = "POST {0} is denied after normalisation")
    @ValueSource(
            strings = {
                "/rest/api/2/search/../issue",
                "/rest/api/2/search/..;/issue",
                "/rest/api/2/search/%2e%2e/issue",
                "/rest/api/2/search;x/../issue"
            })
    void postThatTraversesOutOfSearchIsDenied(String raw) {
        NormalizedPath.Ok path = (NormalizedPath.Ok) PathNormalizer.normalize(raw);

        assertThat(path.decoded()).isEqualTo("/rest/api/2/issue");
        assertThat(jira.decide("POST", path.decoded(), false, JSON))
                .isInstanceOfSatisfying(
                        Decision.Deny.class, deny -> assertThat(deny.status()).isEqualTo(403));
    }

    @Test
    void postWithAnUnnormalisedPathThrowsSoTheCallerFailsClosed() {
        assertThatThrownBy(() -> jira.decide("POST", "/rest/api/2/search/../issue", false, JSON))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} with a method override is denied")
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "POST"})
    void methodOverrideIsAlwaysDenied(String method) {
        assertThat(jira.decide(method, "/rest/api/2/search", true, JSON))
                .isInstanceOfSatisfying(Decision.Deny.class, deny -> {
                    assertThat(deny.status()).isEqualTo(403);
                    assertThat(deny.reason()).contains("method override");
                });
    }

    @ParameterizedTest(name = "allowlisted POST with Content-Type \"{0}\" is allowed")
    @ValueSource(
            strings = {
                "application/json",
                "application/json; charset=utf-8",
                "Application/JSON",
                "APPLICATION/JSON;charset=UTF-8",
                " application/json ",
                "application/json;charset=\"utf-8\""
            })
    void allowlistedPostPassesOnlyWithJson(String contentType) {
        assertThat(jira.decide("POST", "/rest/api/2/search", false, contentType))
                .isEqualTo(Decision.ALLOW);
    }

    @ParameterizedTest(name = "allowlisted POST with Content-Type \"{0}\" is denied")
    @ValueSource(
            strings = {
                "",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "text/plain",
                "application/json-patch+json",
                "application/jsonx",
                "application/vnd.api+json",
                "text/json",
                "application/json5",
                "application/json, application/x-www-form-urlencoded",
                "application/json;",
                "application/json; charset",
                "application/json; =x",
                "application/json; a=b c",
                "application/json\u0000",
                "application /json",
                "application/json;x=\"a\"b\""
            })
    void allowlistedPostWithAnyOtherContentTypeIsForbidden(String contentType) {
        assertThat(jira.decide("POST", "/rest/api/2/search", false, contentType))
                .isInstanceOfSatisfying(Decision.Deny.class, deny -> {
                    assertThat(deny.status()).isEqualTo(403);
                    assertThat(deny.reason()).contains("application/json");
                });
    }

    @Test
    void gitFetchPassesOnAllowlistedUploadPackOnlyWithGitsOwnBodyType() {
        ReadOnlyPolicy bitbucket = new ReadOnlyPolicy(PathPatternSet.of(
                List.of("/scm/*/*/git-upload-pack", "/scm/*/*/git-receive-pack-not-a-read", "/rest/api/2/search")));
        String fetch = "application/x-git-upload-pack-request";
        assertThat(bitbucket.decide("POST", "/scm/prj/repo.git/git-upload-pack", false, fetch))
                .isEqualTo(Decision.ALLOW);
        assertThat(bitbucket.decide(
                        "POST", "/scm/prj/repo.git/git-upload-pack", false, "Application/X-Git-Upload-Pack-Request"))
                .isEqualTo(Decision.ALLOW);
        // The git body type opens only git fetches; a form or another git body does not.
        assertThat(bitbucket.decide("POST", "/rest/api/2/search", false, fetch)).isInstanceOf(Decision.Deny.class);
        assertThat(bitbucket.decide(
                        "POST", "/scm/prj/repo.git/git-upload-pack", false, "application/x-www-form-urlencoded"))
                .isInstanceOf(Decision.Deny.class);
        assertThat(bitbucket.decide(
                        "POST", "/scm/prj/repo.git/git-upload-pack", false, "application/x-git-receive-pack-request"))
                .isInstanceOf(Decision.Deny.class);
        assertThat(bitbucket.decide("POST", "/scm/prj/repo.git/git-upload-pack", true, fetch))
                .isInstanceOf(Decision.Deny.class);
        // Not allowlisted: the body type alone opens nothing.
        assertThat(jira.decide("POST", "/scm/prj/repo.git/git-upload-pack", false, fetch))
                .isInstanceOf(Decision.Deny.class);
    }

    @Test
    void allowlistedPostWithoutASingleContentTypeIsForbidden() {
        // null: absent, or sent more than once (the gateway passes null then).
        assertThat(jira.decide("POST", "/rest/api/2/search", false, null)).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void contentTypeDoesNotMatterForSafeMethods() {
        assertThat(jira.decide("GET", "/rest/api/2/search", false, "application/x-www-form-urlencoded"))
                .isEqualTo(Decision.ALLOW);
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
        assertThat(jira.readOnlyPosts())
                .isEqualTo(PathPatternSet.of(List.of("/rest/api/2/search", "/rest/api/latest/search")));
    }
}
