package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * {@code GET /.patgate/api/v1/self}: a token describes itself to its holder, on the data plane the
 * test run selects. Only a working token authenticates: no password, no revoked or expired token.
 *
 * <p>One gateway for the class: a test that revokes or expires a token makes that token itself, so
 * alice's two start-up tokens stay working for the others.
 */
class SelfApiTest {

    private static final String SELF = "/.patgate/api/v1/self";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @Test
    void aBearerTokenDescribesItselfWithoutItsSecret() {
        JsonNode created = gw.server.createToken(
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of(
                        "name",
                        "nightly-export",
                        "scope",
                        "read-only",
                        "expiresInDays",
                        30,
                        "allowedIps",
                        java.util.List.of("127.0.0.0/8")));
        String token = created.get("token").asText();

        TestServer.Answer answer = gw.bearer("GET", SELF, token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode self = answer.json();
        assertThat(self.get("id").asText()).isEqualTo(created.get("id").asText());
        assertThat(self.get("name").asText()).isEqualTo("nightly-export");
        assertThat(self.get("owner").get("username").asText()).isEqualTo("alice");
        assertThat(self.get("owner").has("displayName")).isTrue();
        assertThat(self.get("scope").asText()).isEqualTo("read-only");
        assertThat(self.get("allowedIps")).extracting(JsonNode::asText).containsExactly("127.0.0.0/8");
        assertThat(self.get("status").asText()).isEqualTo("active");
        assertThat(self.get("expiresAt").asText())
                .isEqualTo(created.get("expiresAt").asText());
        assertThat(self.get("expiresInDays").asLong()).isBetween(29L, 30L);
        assertThat(self.get("expiresInSeconds").asLong()).isBetween(29L * 86_400, 30L * 86_400);
        assertThat(self.has("createdAt")).isTrue();
        assertThat(answer.body()).doesNotContain(token);
    }

    @Test
    void aLimitedTokenSeesItsLimitAndWhatIsLeftWithoutSpendingIt() {
        JsonNode created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "limited-self", "scope", "read-write"));
        String id = created.get("id").asText();
        String token = created.get("token").asText();
        TestServer.Answer set =
                gw.server.asAdmin("PUT", "/.patgate/api/v1/tokens/" + id + "/rate-limit", Map.of("perMinute", 5));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(gw.bearer("GET", "/rest/api/2/myself", token).status()).isEqualTo(200);

        JsonNode first = gw.bearer("GET", SELF, token).json();
        JsonNode second = gw.bearer("GET", SELF, token).json();

        assertThat(first.get("rateLimit").get("perMinute").asInt()).isEqualTo(5);
        assertThat(first.get("rateLimit").get("setBy").asText()).isEqualTo("the token");
        // One gateway request spent; looking twice spent nothing.
        assertThat(first.get("rateLimitRemaining")
                        .get("per-minute")
                        .get("remaining")
                        .asInt())
                .isEqualTo(4);
        assertThat(second.get("rateLimitRemaining")
                        .get("per-minute")
                        .get("remaining")
                        .asInt())
                .isEqualTo(4);
        assertThat(first.get("rateLimitRemaining")
                        .get("per-minute")
                        .get("fullInSeconds")
                        .asLong())
                .isBetween(1L, 60L);
    }

    @Test
    void anUnlimitedTokenSaysSo() {
        JsonNode self = gw.bearer("GET", SELF, gw.readWrite()).json();

        assertThat(self.get("rateLimit").isNull()).isTrue();
        assertThat(self.get("rateLimitRemaining").isNull()).isTrue();
    }

    @Test
    void aTokenAsTheBasicPasswordDescribesItself() {
        TestServer.Answer answer =
                gw.send("GET", SELF, Map.of("Authorization", TestServer.basic("alice", gw.readWrite())), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("id").asText()).isEqualTo(gw.readWriteId());
        assertThat(answer.json().get("scope").asText()).isEqualTo("read-write");
    }

    @Test
    void itAnswersOverHttp2Too() {
        RawHttp2.Answer good =
                RawHttp2.send(gw.base(), "GET", SELF, Map.of("Authorization", "Bearer " + gw.readOnly()), null);
        RawHttp2.Answer none = RawHttp2.send(gw.base(), "GET", SELF, Map.of(), null);

        assertThat(good.status()).isEqualTo(200);
        assertThat(good.headers().get("Cache-Control")).isEqualTo("no-store");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"patgate\"");
    }

    @Test
    void withoutATokenTheAnswerIs401WithTheBearerChallenge() {
        TestServer.Answer answer = gw.send("GET", SELF, Map.of(), null);

        assertUnauthorized(answer, "personal access token");
    }

    @Test
    void aPasswordIsNotAccepted() {
        TestServer.Answer answer = gw.send(
                "GET", SELF, Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)), null);

        assertUnauthorized(answer, "not a password");
        assertThat(answer.body()).doesNotContain(RunningGateway.ALICE_PASSWORD);
    }

    @Test
    void anUnknownTokenIsRefused() {
        String token = gw.readWrite();
        // A different character at 10 (the token may already have an 'x' there).
        String forged = token.substring(0, 10) + (token.charAt(10) == 'x' ? "y" : "x") + token.substring(11);

        assertUnauthorized(gw.bearer("GET", SELF, forged), "");
    }

    @Test
    void aRevokedTokenIsRefused() {
        JsonNode created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "to-revoke", "scope", "read-write"));
        String token = created.get("token").asText();
        assertThat(gw.bearer("GET", SELF, token).status()).isEqualTo(200);
        TestServer.Answer revoked = gw.server.call(
                "DELETE",
                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                "alice",
                RunningGateway.ALICE_PASSWORD,
                null);
        assertThat(revoked.status()).isEqualTo(204);

        assertUnauthorized(gw.bearer("GET", SELF, token), "revoked");
    }

    @Test
    void aTokenBoundToOtherAddressesIsRefusedWith403() {
        String token = gw.createToken("read-only", java.util.List.of("192.0.2.0/24"));

        TestServer.Answer answer = gw.bearer("GET", SELF, token);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("detail").asText()).contains("may not be used from your address");
        assertThat(answer.body()).doesNotContain(token);
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = gw.server
                .createToken(
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        Map.of("name", "short", "scope", "read-only", "expiresInDays", 1))
                .get("token")
                .asText();
        assertThat(gw.bearer("GET", SELF, token).status()).isEqualTo(200);

        gw.server.clock().advance(Duration.ofDays(2));

        assertUnauthorized(gw.bearer("GET", SELF, token), "expired");
    }

    private static void assertUnauthorized(TestServer.Answer answer, String detail) {
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"patgate\"");
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(answer.json().get("detail").asText()).contains(detail);
    }
}
