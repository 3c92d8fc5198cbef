package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/** The gateway's rules end to end: what is refused never reaches the upstream; what passes is cleaned. */
@EndToEndTest
class GatewayTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    private static void assertRefused(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(gw.upstream.received())
                .as("the upstream must receive nothing")
                .isEmpty();
    }

    @Test
    void validTokenReachesUpstreamAsItsOwnerWithoutTheToken() {
        Answer answer = gw.bearer("GET", "/rest/api/2/issue/DEMO-1?expand=names", gw.readOnly());

        assertThat(answer.status()).isEqualTo(200);
        Received received = gw.upstream.last();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/rest/api/2/issue/DEMO-1");
        assertThat(received.query()).isEqualTo("expand=names");
        assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.header("Authorization")).isEmpty();
        assertThat(received.headers().toString()).doesNotContain(gw.readOnly());
    }

    @Test
    void missingTokenOnRestPathIs401WithBearerChallenge() {
        Answer answer = gw.send("GET", "/rest/api/2/myself", Map.of(), null);

        assertRefused(answer, 401);
        // Bearer first (the contract), then Basic for clients that wait for a challenge (RFC 9110 §11.6.1).
        assertThat(answer.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"patgate\"");
        assertThat(answer.headers().allValues("www-authenticate"))
                .containsExactly("Bearer realm=\"patgate\"", "Basic realm=\"patgate\"");
    }

    @Test
    void unknownTokenIs401() {
        assertRefused(gw.bearer("GET", "/rest/api/2/myself", "pat_" + "A".repeat(34)), 401);
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequest() {
        String token = gw.createToken("read-write", List.of());
        assertThat(gw.bearer("GET", "/rest/api/2/myself", token).status()).isEqualTo(200);
        var list = gw.server
                .call("GET", "/.patgate/api/v1/tokens?size=200", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json();
        String id = null;
        for (var t : list.get("items")) {
            if (token.endsWith(t.get("hint").asText().substring(1))) {
                id = t.get("id").asText();
            }
        }
        assertThat(gw.server
                        .call("DELETE", "/.patgate/api/v1/tokens/" + id, "alice", RunningGateway.ALICE_PASSWORD, null)
                        .status())
                .isEqualTo(204);
        gw.upstream.clear();

        Answer answer = gw.bearer("GET", "/rest/api/2/myself", token);

        assertRefused(answer, 401);
        assertThat(answer.json().get("detail").asText()).contains("revoked");
    }

    @Test
    void readOnlyTokenCannotWrite() {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            gw.upstream.clear();
            assertRefused(gw.bearer(method, "/rest/api/2/issue/DEMO-1", gw.readOnly()), 403);
        }
    }

    @Test
    void readOnlyTokenMaySearchWithPost() {
        Answer answer = gw.send(
                "POST",
                "/rest/api/2/search",
                Map.of("Authorization", "Bearer " + gw.readOnly(), "Content-Type", "application/json"),
                "{\"jql\":\"project = DEMO\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().bodyBytes()).isEqualTo("{\"jql\":\"project = DEMO\"}".length());
    }

    @Test
    void readOnlyTokenWithMethodOverrideIsRefused() {
        assertRefused(
                gw.send(
                        "GET",
                        "/rest/api/2/issue/DEMO-1",
                        Map.of("Authorization", "Bearer " + gw.readOnly(), "X-HTTP-Method-Override", "DELETE"),
                        null),
                403);
        assertRefused(
                gw.send(
                        "POST",
                        "/rest/api/2/search",
                        Map.of("Authorization", "Bearer " + gw.readOnly(), "X-Method-Override", "DELETE"),
                        "{}"),
                403);
    }

    @Test
    void readWriteTokenMayWrite() {
        Answer answer = gw.send(
                "POST",
                "/rest/api/2/issue",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "Content-Type", "application/json"),
                "{\"fields\":{}}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().method()).isEqualTo("POST");
        assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
    }

    @Test
    void tokenAsBasicPasswordWorksWhateverTheUsername() {
        Answer answer = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", TestServer.basic("anything", gw.readWrite())),
                null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
        assertThat(gw.upstream.last().header("Authorization")).isEmpty();
    }

    @Test
    void passwordOnRestPathIsRefusedWithAHint() {
        Answer answer = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)),
                null);

        assertRefused(answer, 401);
        assertThat(answer.json().get("detail").asText())
                .contains("password authentication is disabled")
                .contains("personal access token");
    }

    @Test
    void jiraPasswordQueryParametersAreRefused() {
        assertRefused(gw.send("GET", "/rest/api/2/myself?os_username=alice&os_password=secret", Map.of(), null), 401);
        assertRefused(gw.send("GET", "/rest/api/2/myself?os_authType=basic", Map.of(), null), 401);
    }

    @Test
    void sessionCookieOnRestPathPassesWithoutIdentity() {
        Answer answer = gw.send(
                "GET", "/rest/api/2/myself", Map.of("Cookie", "JSESSIONID=abc", "X-Forwarded-User", "admin"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).isEmpty();
    }

    @Test
    void nonRestPathsPassWithoutTokenButSpoofedIdentityIsRemoved() {
        Answer answer = gw.send(
                "GET",
                "/secure/Dashboard.jspa",
                Map.of("X-Forwarded-User", "admin", "x_forwarded_user", "admin", "X-Original-URL", "/rest/api/2/user"),
                null);

        assertThat(answer.status()).isEqualTo(200);
        Received received = gw.upstream.last();
        assertThat(received.headerNames())
                .noneMatch(n -> n.equalsIgnoreCase("X-Forwarded-User")
                        || n.equalsIgnoreCase("x_forwarded_user")
                        || n.equalsIgnoreCase("X-Original-URL"));
    }

    @Test
    void tokenOutsideRestPathsIsStillEnforced() {
        assertRefused(gw.bearer("GET", "/secure/Dashboard.jspa", "pat_" + "B".repeat(34)), 401);
        gw.upstream.clear();
        assertRefused(gw.bearer("POST", "/secure/CreateIssue.jspa", gw.readOnly()), 403);
    }

    @Test
    void tokenInTheQueryStringIsRefused() {
        assertRefused(gw.send("GET", "/rest/api/2/myself?access_token=" + gw.readWrite(), Map.of(), null), 401);
    }

    @Test
    void forwardedHeadersAreSetFromTheRealPeer() {
        gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of(
                        "Authorization",
                        "Bearer " + gw.readWrite(),
                        "X-Forwarded-For",
                        "203.0.113.9",
                        "Forwarded",
                        "for=203.0.113.9"),
                null);

        Received received = gw.upstream.last();
        assertThat(received.header("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.header("Forwarded")).singleElement().asString().startsWith("for=127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.header("Via"))
                .as("no machine host name leaks")
                .singleElement()
                .asString()
                .endsWith(" patgate");
    }

    @Test
    void tokenBoundToOtherAddressesIsForbiddenHere() {
        String bound = gw.createToken("read-write", List.of("192.0.2.0/24"));
        String local = gw.createToken("read-write", List.of("127.0.0.0/8"));
        gw.upstream.clear();

        assertRefused(gw.bearer("GET", "/rest/api/2/myself", bound), 403);
        assertThat(gw.bearer("GET", "/rest/api/2/myself", local).status()).isEqualTo(200);
    }

    @Test
    void reservedPrefixIsNeverProxied() {
        assertThat(gw.send("GET", "/.patgate/whatever", Map.of(), null).status())
                .isEqualTo(404);
        assertThat(gw.send("GET", "/.PATGATE/whatever", Map.of(), null).status())
                .isEqualTo(404);
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void traversalIntoRestIsCaughtAfterNormalisation() {
        assertRefused(gw.send("GET", "/secure/..%2f..%2frest/api/2/myself", Map.of(), null), 400);
        gw.upstream.clear();
        Answer dotted = gw.send("GET", "/secure/%2e%2e/rest/api/2/myself", Map.of(), null);
        assertThat(dotted.status())
                .as("refused either as ambiguous or as unauthenticated")
                .isIn(400, 401);
        assertRefused(dotted, dotted.status());
    }
}
