package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * {@code /.patgate/check} answered over loopback sockets, as nginx, Caddy, Traefik and Envoy ask it:
 * allowed requests get the identity to copy upstream, refused ones the inline gateway's status, only
 * trusted proxies are answered, and no answer carries the token. The upstream never hears of a check.
 */
@EndToEndTest
class ExternalCheckTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    static final String ME = "/rest/api/2/myself";

    static String bound;
    static String ruled;

    @BeforeAll
    static void tokens() {
        bound = gw.createToken("read-write", List.of("192.0.2.0/24"));
        ruled = gw.createRuledToken(List.of("GET"), "/rest/api/2/issue/*");
    }

    /** A check in nginx's dialect for {@code method target}, with the original request's headers. */
    static Answer nginx(String method, String target, String... headers) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("X-Original-Method", method);
        all.put("X-Original-URI", target);
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        return gw.send("GET", ExternalCheck.PATH, all, null);
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    static Answer assertNoSecrets(Answer answer, String... secrets) {
        for (String secret : secrets) {
            assertThat(answer.body()).doesNotContain(secret);
            assertThat(answer.headers().map().toString()).doesNotContain(secret);
        }
        return answer;
    }

    @Test
    void nginxDialectAllowsWithTheIdentityAndTheTokenId() {
        Answer answer = assertNoSecrets(nginx("GET", ME + "?expand=groups", bearer(gw.readWrite())), gw.readWrite());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        assertThat(answer.headers().allValues("X-Forwarded-User")).containsExactly("alice");
        assertThat(answer.headers().allValues(ExternalCheck.TOKEN_ID_HEADER)).containsExactly(gw.readWriteId());
        assertThat(answer.headers().firstValue(ExternalCheck.UPSTREAM_AUTHORIZATION_HEADER))
                .as("only identity mode upstream-token names an upstream credential")
                .isEmpty();
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(gw.upstream.received())
                .as("a check never reaches the upstream")
                .isEmpty();
    }

    @Test
    void caddyAndTraefikDialectAllowsWithTheIdentity() {
        Answer answer = gw.send(
                "GET",
                ExternalCheck.PATH,
                Map.of(
                        "X-Forwarded-Method", "GET",
                        "X-Forwarded-Uri", ME,
                        "X-Forwarded-Host", "jira.example.com",
                        "X-Forwarded-Proto", "https",
                        "Authorization", "Bearer " + gw.readOnly()),
                null);
        assertNoSecrets(answer, gw.readOnly());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().allValues("X-Forwarded-User")).containsExactly("alice");
        assertThat(answer.headers().firstValue(ExternalCheck.TOKEN_ID_HEADER)).isPresent();
    }

    @Test
    void envoyPathPrefixDialectDecidesOnTheAppendedPathAndTheCheckMethod() {
        Answer allowed = gw.send(
                "GET",
                ExternalCheck.PATH + ME + "?expand=groups",
                Map.of("Authorization", "Bearer " + gw.readOnly()),
                null);
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.headers().allValues("X-Forwarded-User")).containsExactly("alice");

        Answer write = gw.send(
                "DELETE",
                ExternalCheck.PATH + "/rest/api/2/issue/X-1",
                Map.of("Authorization", "Bearer " + gw.readOnly()),
                null);
        assertThat(write.status()).as(write.body()).isEqualTo(403);
        assertThat(write.contentType()).startsWith("application/problem+json");
        assertThat(write.headers().firstValue("X-Forwarded-User")).isEmpty();
    }

    @Test
    void readOnlyTokenCannotPostThroughTheCheck() {
        Answer answer = assertNoSecrets(nginx("POST", "/rest/api/2/issue", bearer(gw.readOnly())), gw.readOnly());
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("detail").asText()).contains("read-only");
        assertThat(answer.json().get("instance").asText()).isEqualTo(ExternalCheck.PATH);
        assertThat(answer.headers().firstValue("X-Forwarded-User")).isEmpty();
    }

    @Test
    void tokenRulesApply() {
        assertThat(nginx("GET", "/rest/api/2/issue/X-1", bearer(ruled)).status())
                .isEqualTo(200);
        assertThat(nginx("GET", "/rest/api/2/user", bearer(ruled)).status()).isEqualTo(403);
        assertThat(nginx("PUT", "/rest/api/2/issue/X-1", bearer(ruled)).status())
                .isEqualTo(403);
        assertThat(nginx(
                                "GET",
                                "/rest/api/2/issue/X-1",
                                "Authorization",
                                "Bearer " + ruled,
                                "X-HTTP-Method-Override",
                                "PUT")
                        .status())
                .as("a method override is the client's, so it counts")
                .isEqualTo(403);
    }

    @Test
    void ipBindingUsesTheClientAddressTheTrustedProxyForwards() {
        assertThat(nginx("GET", ME, "Authorization", "Bearer " + bound, "X-Forwarded-For", "192.0.2.7")
                        .status())
                .isEqualTo(200);
        Answer elsewhere = nginx("GET", ME, "Authorization", "Bearer " + bound, "X-Forwarded-For", "198.51.100.1");
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.json().get("detail").asText()).contains("address");
        assertThat(nginx("GET", ME, bearer(bound)).status())
                .as("without X-Forwarded-For the client is the proxy itself")
                .isEqualTo(403);
        assertThat(nginx("GET", ME, "Authorization", "Bearer " + bound, "X-Forwarded-For", "192.0.2.7, 198.51.100.1")
                        .status())
                .as("only the rightmost untrusted hop is believed")
                .isEqualTo(403);
    }

    @Test
    void revokedTokenIsRefusedOnTheNextCheck() {
        var created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "soon revoked", "scope", "read-write"));
        String token = created.get("token").asText();
        assertThat(nginx("GET", ME, bearer(token)).status()).isEqualTo(200);
        Answer revoked = gw.server.call(
                "DELETE",
                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                "alice",
                RunningGateway.ALICE_PASSWORD,
                null);
        assertThat(revoked.status()).isEqualTo(204);
        Answer answer = assertNoSecrets(nginx("GET", ME, bearer(token)), token);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().allValues("WWW-Authenticate")).contains("Bearer realm=\"patgate\"");
    }

    @Test
    void passwordBasicIsRefusedWhilePasswordsAreBlocked() {
        String basic = TestServer.basic("alice", RunningGateway.ALICE_PASSWORD);
        Answer answer = nginx("GET", ME, "Authorization", basic);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("detail").asText()).contains("password authentication is disabled");
        assertNoSecrets(answer, RunningGateway.ALICE_PASSWORD, basic.substring("Basic ".length()));
    }

    @Test
    void noTokenIsChallenged() {
        Answer answer = nginx("GET", ME);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"patgate\"", "Basic realm=\"patgate\"");
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void outsideTheRestPathsARequestWithoutTokenIsAllowedWithoutIdentity() {
        Answer answer = nginx("GET", "/secure/Dashboard.jspa", "X-Forwarded-User", "admin");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Forwarded-User"))
                .as("a client-sent identity is never echoed as the identity")
                .isEmpty();
        assertThat(answer.headers().firstValue(ExternalCheck.TOKEN_ID_HEADER)).isEmpty();
    }

    @Test
    void untrustedCallerIsRefusedEvenWithAValidToken() throws Exception {
        String request = "GET " + ExternalCheck.PATH + " HTTP/1.1\r\nHost: x\r\nX-Original-Method: GET\r\n"
                + "X-Original-URI: " + ME + "\r\nAuthorization: Bearer " + gw.readWrite()
                + "\r\nConnection: close\r\n\r\n";
        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), request, InetAddress.getByName("127.0.0.2"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(answer.text())
                .contains("trustedProxies")
                .doesNotContain(gw.readWrite())
                .doesNotContain("alice");
        assertThat(RawHttp.send(gw.base(), request).status())
                .as("the same request from the trusted proxy")
                .isEqualTo(200);
    }

    @Test
    void withoutTrustedProxiesTheCheckEndpointIsOff(@TempDir Path dir) {
        try (TestServer off = TestServer.h2(dir)) {
            Answer answer = off.raw(
                    "GET",
                    ExternalCheck.PATH,
                    Map.of("X-Original-Method", "GET", "X-Original-URI", ME, "Authorization", "Bearer pat_x"),
                    null);
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asText()).contains("set trustedProxies");
        }
    }

    @Test
    void missingOrContradictoryDialectHeadersAreBadRequests() {
        String[] token = bearer(gw.readWrite());
        assertThat(gw.send("GET", ExternalCheck.PATH, Map.of(token[0], token[1]), null)
                        .status())
                .isEqualTo(400);
        assertThat(gw.send("GET", ExternalCheck.PATH, Map.of("X-Original-URI", ME, token[0], token[1]), null)
                        .status())
                .as("no original method")
                .isEqualTo(400);
        Answer both = gw.send(
                "GET",
                ExternalCheck.PATH,
                Map.of(
                        "X-Original-Method",
                        "GET",
                        "X-Original-URI",
                        "/secure/Dashboard.jspa",
                        "X-Forwarded-Method",
                        "GET",
                        "X-Forwarded-Uri",
                        ME,
                        token[0],
                        token[1]),
                null);
        assertThat(both.status())
                .as("a client may have sent one dialect through the proxy")
                .isEqualTo(400);
        assertThat(both.contentType()).startsWith("application/problem+json");
        assertThat(gw.send("GET", ExternalCheck.PATH + ME, Map.of("X-Original-URI", "/x", token[0], token[1]), null)
                        .status())
                .as("an appended path and a header")
                .isEqualTo(400);
        assertThat(nginx("GET", "http://jira.example.com" + ME, token).status())
                .as("absolute form")
                .isEqualTo(400);
    }

    @Test
    void formBodiesTheGateWouldInspectAreRefusedUnseen() {
        Answer answer = nginx(
                "POST",
                "/rest/api/2/issue",
                "Authorization",
                "Bearer " + gw.readWrite(),
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("detail").asText()).contains("never sees the body");
        Answer json = nginx(
                "POST",
                "/rest/api/2/search",
                "Authorization",
                "Bearer " + gw.readOnly(),
                "Content-Type",
                "application/json");
        assertThat(json.status())
                .as("the read-only POST allowlist decides on method, path and content type, as inline")
                .isEqualTo(200);
    }

    @Test
    void checksAreRecordedAsTokenActivity() {
        assertThat(nginx("GET", "/rest/api/2/issue/CHECKED-1", bearer(gw.readWrite()))
                        .status())
                .isEqualTo(200);
        gw.server.server().activity().flush();
        Answer activity = gw.server.call(
                "GET",
                "/.patgate/api/v1/tokens/" + gw.readWriteId() + "/activity",
                "alice",
                RunningGateway.ALICE_PASSWORD,
                null);
        assertThat(activity.body()).contains("/rest/api/2/issue/CHECKED-1").doesNotContain(gw.readWrite());
    }
}
