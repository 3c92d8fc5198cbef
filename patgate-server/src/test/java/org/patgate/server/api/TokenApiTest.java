package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier;

/** The token lifecycle over the real management API: create, list, get, rotate, revoke, ownership. */
@EndToEndTest
class TokenApiTest {

    private static final String TOKENS = "/.patgate/api/v1/tokens";
    private static final String ALICE_PASSWORD = "alice-password-123";
    private static final String BOB_PASSWORD = "bob-password-12345";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("alice", ALICE_PASSWORD, "developers")
            .user("bob", BOB_PASSWORD)
            .build();

    private static Answer alice(String method, String path, Object body) {
        return server.call(method, path, "alice", ALICE_PASSWORD, body);
    }

    private static Answer bob(String method, String path, Object body) {
        return server.call(method, path, "bob", BOB_PASSWORD, body);
    }

    private static JsonNode createAliceToken(String name, String scope) {
        Answer created = alice("POST", TOKENS, Map.of("name", name, "scope", scope));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static TokenVerifier.Verification verify(String secret) {
        return server.server().verifier().verify(secret);
    }

    @Test
    void createdTokenIsShownOnceAndWorks() {
        Answer created = alice(
                "POST",
                TOKENS,
                Map.of(
                        "name",
                        "ci pipeline",
                        "scope",
                        "read-write",
                        "expiresInDays",
                        30,
                        "allowedIps",
                        List.of("192.0.2.0/24", "2001:db8::/32")));

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String secret = body.get("token").asText();
        assertThat(secret).startsWith("pat_").hasSize(4 + 28 + 6);
        assertThat(body.get("owner").asText()).isEqualTo("alice");
        assertThat(body.get("createdBy").asText()).isEqualTo("alice");
        assertThat(body.get("scope").asText()).isEqualTo("read-write");
        assertThat(body.get("status").asText()).isEqualTo("active");
        assertThat(body.get("hint").asText()).isEqualTo("…" + secret.substring(secret.length() - 4));
        assertThat(body.get("allowedIps"))
                .extracting(JsonNode::asText)
                .containsExactly("192.0.2.0/24", "2001:db8::/32");
        assertThat(Instant.parse(body.get("expiresAt").asText()))
                .isBetween(
                        server.clock().instant().plus(Duration.ofDays(30)).minusSeconds(5),
                        server.clock().instant().plus(Duration.ofDays(30)).plusSeconds(5));
        assertThat(created.headers().firstValue("location"))
                .hasValue(TOKENS + "/" + body.get("id").asText());

        Answer fetched = alice("GET", TOKENS + "/" + body.get("id").asText(), null);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).doesNotContain(secret).doesNotContain("\"token\"");
        assertThat(verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class);
    }

    @Test
    void scopeDefaultsToReadOnly() {
        Answer created = alice("POST", TOKENS, Map.of("name", "no scope given"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("scope").asText()).isEqualTo("read-only");
    }

    @Test
    void revokedTokenIsRefusedOnTheNextCheckAndStaysListed() {
        JsonNode token = createAliceToken("to revoke", "read-only");
        String secret = token.get("token").asText();
        String id = token.get("id").asText();
        assertThat(verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class); // now cached

        assertThat(alice("DELETE", TOKENS + "/" + id, null).status()).isEqualTo(204);

        assertThat(verify(secret)).isEqualTo(new TokenVerifier.Verification.Refused(TokenVerifier.Reason.REVOKED));
        JsonNode listed = alice("GET", TOKENS + "?status=revoked", null).json();
        assertThat(listed.get("items")).extracting(t -> t.get("id").asText()).contains(id);
        JsonNode fetched = alice("GET", TOKENS + "/" + id, null).json();
        assertThat(fetched.get("status").asText()).isEqualTo("revoked");
        assertThat(fetched.get("revokedBy").asText()).isEqualTo("alice");
        assertThat(fetched.get("revokedAt").isNull()).isFalse();
        assertThat(alice("DELETE", TOKENS + "/" + id, null).status())
                .as("revoking twice is harmless")
                .isEqualTo(204);
        assertThat(alice("POST", TOKENS + "/" + id + "/rotate", null).status()).isEqualTo(409);
    }

    @Test
    void rotationIssuesANewSecretAndKillsTheOldOneImmediately() {
        JsonNode token = createAliceToken("to rotate", "read-write");
        String oldSecret = token.get("token").asText();
        String id = token.get("id").asText();
        assertThat(verify(oldSecret)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        Answer rotated = alice("POST", TOKENS + "/" + id + "/rotate", null);

        assertThat(rotated.status()).isEqualTo(200);
        String newSecret = rotated.json().get("token").asText();
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(rotated.json().get("id").asText()).isEqualTo(id);
        assertThat(rotated.json().get("scope").asText()).isEqualTo("read-write");
        assertThat(verify(oldSecret)).isEqualTo(new TokenVerifier.Verification.Refused(TokenVerifier.Reason.UNKNOWN));
        assertThat(verify(newSecret)).isInstanceOf(TokenVerifier.Verification.Valid.class);
        assertThat(alice("GET", TOKENS + "/" + id, null).json().get("rotatedAt").isNull())
                .isFalse();
    }

    @Test
    void tokenExpiresExactlyAtExpiresAt() {
        Instant expiresAt = server.clock().instant().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);
        Answer created = alice("POST", TOKENS, Map.of("name", "short-lived", "expiresAt", expiresAt.toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().get("token").asText();
        assertThat(verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        Instant before = server.clock().instant();
        try {
            server.clock().set(expiresAt.minusSeconds(1));
            assertThat(verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class);
            server.clock().set(expiresAt);
            assertThat(verify(secret)).isEqualTo(new TokenVerifier.Verification.Refused(TokenVerifier.Reason.EXPIRED));
            assertThat(alice("GET", TOKENS + "/" + created.json().get("id").asText(), null)
                            .json()
                            .get("status")
                            .asText())
                    .isEqualTo("expired");
        } finally {
            server.clock().set(before);
        }
    }

    @Test
    void otherUsersTokensAreNotFoundNeverForbidden() {
        String id = createAliceToken("alice's", "read-only").get("id").asText();

        for (Answer answer : List.of(
                bob("GET", TOKENS + "/" + id, null),
                bob("DELETE", TOKENS + "/" + id, null),
                bob("POST", TOKENS + "/" + id + "/rotate", null),
                bob("GET", TOKENS + "/" + id + "/activity", null))) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
        }
        Answer unknown = bob("GET", TOKENS + "/doesnotexist", null);
        assertThat(unknown.json().get("detail").asText().replace("doesnotexist", id))
                .as("same answer as for an existing token of someone else")
                .isEqualTo(
                        bob("GET", TOKENS + "/" + id, null).json().get("detail").asText());
        assertThat(alice("GET", TOKENS + "/" + id, null).json().get("status").asText())
                .isEqualTo("active");
    }

    @Test
    void usersListOnlyTheirOwnTokensAndAdminsListAll() {
        createAliceToken("listed", "read-only");
        JsonNode bobsList = bob("GET", TOKENS, null).json();
        assertThat(bobsList.get("items"))
                .extracting(t -> t.get("owner").asText())
                .doesNotContain("alice");
        assertThat(bob("GET", TOKENS + "?owner=alice", null).status()).isEqualTo(403);

        JsonNode all =
                server.asAdmin("GET", TOKENS + "?owner=alice&size=200", null).json();
        assertThat(all.get("items"))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.get("owner").asText()).isEqualTo("alice"));
        assertThat(all.get("total").asLong()).isEqualTo(all.get("items").size());
    }

    @Test
    void adminCreatesTokensOnBehalfOfOthersButUsersCannot() {
        Answer byAdmin = server.asAdmin("POST", TOKENS, Map.of("name", "service token", "owner", "bob"));
        assertThat(byAdmin.status()).isEqualTo(201);
        assertThat(byAdmin.json().get("owner").asText()).isEqualTo("bob");
        assertThat(byAdmin.json().get("createdBy").asText()).isEqualTo("admin");
        assertThat(bob("GET", TOKENS + "/" + byAdmin.json().get("id").asText(), null)
                        .status())
                .isEqualTo(200);

        Answer byAlice = alice("POST", TOKENS, Map.of("name", "sneaky", "owner", "bob"));
        assertThat(byAlice.status()).isEqualTo(403);
        assertThat(byAlice.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void listsArePaginatedWithTotals() {
        for (int i = 0; i < 7; i++) {
            bob("POST", TOKENS, Map.of("name", "paged " + i));
        }
        JsonNode first = bob("GET", TOKENS + "?q=paged&size=3&page=1", null).json();
        JsonNode third = bob("GET", TOKENS + "?q=paged&size=3&page=3", null).json();

        assertThat(first.get("total").asLong()).isEqualTo(7);
        assertThat(first.get("items")).hasSize(3);
        assertThat(third.get("items")).hasSize(1);
        assertThat(first.get("page").asInt()).isEqualTo(1);
    }

    @Test
    void disabledOwnersTokensStopWorking() {
        server.createUser("carol", "carol-password-123");
        Answer created = server.call("POST", TOKENS, "carol", "carol-password-123", Map.of("name", "carol's"));
        String secret = created.json().get("token").asText();
        assertThat(verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        assertThat(server.asAdmin("PATCH", "/.patgate/api/v1/users/carol", Map.of("enabled", false))
                        .status())
                .isEqualTo(200);

        assertThat(verify(secret))
                .isEqualTo(new TokenVerifier.Verification.Refused(TokenVerifier.Reason.OWNER_DISABLED));
        assertThat(server.call("GET", TOKENS, "carol", "carol-password-123", null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void routesThatReadNoBodyStillAnswerHttp2ClientsThatSendOneWithoutResettingTheStream() {
        String id = createAliceToken("spin", "read-only").get("id").asText();
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("alice:" + ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (org.patgate.server.testing.RawHttp2 http2 =
                org.patgate.server.testing.RawHttp2.connect(server.baseUri())) {
            for (int i = 0; i < 3; i++) {
                // A script's generic client sends "{}" even where the route takes no body, here a moment
                // after the headers, so an answer that does not wait for it would reset the stream.
                var answer = http2.sendToTheEnd(
                        "POST",
                        TOKENS + "/" + id + "/rotate",
                        Map.of("Authorization", basic, "Content-Type", "application/json"),
                        "{}",
                        Duration.ofMillis(400));
                assertThat(answer.reset())
                        .as("rotation %d answered without a stream reset", i)
                        .isFalse();
                assertThat(answer.status()).isEqualTo(200);
            }
            var revoked = http2.sendToTheEnd(
                    "DELETE",
                    TOKENS + "/" + id,
                    Map.of("Authorization", basic, "Content-Type", "application/json"),
                    "{}",
                    Duration.ofMillis(400));
            assertThat(revoked.reset()).isFalse();
            assertThat(revoked.status()).isEqualTo(204);
        }
    }
}
