package org.patgate.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.Backend;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier.Reason;
import org.patgate.server.token.TokenVerifier.Verification;

/**
 * The token lifecycle as the gateway's verifier and the management API see it, run once on H2 and
 * once on a real PostgreSQL, each with a real {@link TestServer}. Every test asserts literal
 * expectations, so passing on both databases means both give the same answers: statuses,
 * verification outcomes, list contents, order, totals, JSON shape and the audit trail.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
@PostgresTest
@EndToEndTest
class TokenLookupOnBothDatabasesTest {

    private static final String API = "/.patgate/api/v1";
    private static final String TOKENS = API + "/tokens";
    private static final String PASSWORD = "password-for-tests-1";
    private static final Set<String> TOKEN_FIELDS = Set.of(
            "id",
            "name",
            "owner",
            "createdBy",
            "scope",
            "allowedIps",
            "rules",
            "hint",
            "status",
            "expiresAt",
            "createdAt",
            "lastUsedAt",
            "lastUsedIp",
            "lastUsedAgent",
            "revokedAt",
            "revokedBy",
            "rotatedAt");

    private static Path dir;
    private static TestServer server;

    @Parameter
    Backend backend;

    @BeforeParameterizedClassInvocation
    static void start(Backend backend) throws IOException {
        dir = Files.createTempDirectory("patgate-lookup-");
        server = TestServer.on(backend, dir);
        for (String user : List.of("alice", "carol", "dave", "erin")) {
            server.createUser(user, PASSWORD);
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() throws IOException {
        server.close();
        FileTrees.deleteQuietly(dir);
    }

    private static Answer as(String user, String method, String path, Object body) {
        return server.call(method, path, user, PASSWORD, body);
    }

    private static JsonNode create(String user, Map<String, Object> body) {
        Answer created = as(user, "POST", TOKENS, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static Verification verify(String secret) {
        return server.server().verifier().verify(secret);
    }

    private static Verification refused(Reason reason) {
        return new Verification.Refused(reason);
    }

    @Test
    void createdTokenVerifiesAsValidWithItsStoredSettings() {
        // nanoseconds on purpose: both databases keep microseconds, and every reader must agree
        Instant requested = server.clock()
                .instant()
                .plus(Duration.ofDays(30))
                .truncatedTo(ChronoUnit.SECONDS)
                .plusNanos(123_456_789);
        JsonNode created = create(
                "alice",
                Map.of(
                        "name",
                        "ci",
                        "scope",
                        "read-only",
                        "expiresAt",
                        requested.toString(),
                        "allowedIps",
                        List.of("192.0.2.0/24", "2001:db8::/32")));

        Verification verification = verify(created.get("token").asText());

        assertThat(verification).isInstanceOf(Verification.Valid.class);
        TokenVerifier.VerifiedToken token = ((Verification.Valid) verification).token();
        Instant stored = requested.truncatedTo(ChronoUnit.MICROS);
        assertThat(token.id()).isEqualTo(created.get("id").asText());
        assertThat(token.ownerUsername()).isEqualTo("alice");
        assertThat(token.scope()).isEqualTo(Scope.READ_ONLY);
        assertThat(token.allowedIps().toStrings()).containsExactly("192.0.2.0/24", "2001:db8::/32");
        assertThat(token.expiresAt()).isEqualTo(stored);
        assertThat(Instant.parse(created.get("expiresAt").asText())).isEqualTo(stored);
        JsonNode fetched = as("alice", "GET", TOKENS + "/" + token.id(), null).json();
        assertThat(Instant.parse(fetched.get("expiresAt").asText())).isEqualTo(stored);
        assertThat(fetched.get("status").asText()).isEqualTo("active");
    }

    @Test
    void revokedTokenIsRefusedOnTheNextVerify() {
        JsonNode created = create("alice", Map.of("name", "to revoke", "scope", "read-write"));
        String secret = created.get("token").asText();
        String id = created.get("id").asText();
        assertThat(verify(secret)).isInstanceOf(Verification.Valid.class); // now cached as valid

        assertThat(as("alice", "DELETE", TOKENS + "/" + id, null).status()).isEqualTo(204);

        assertThat(verify(secret)).isEqualTo(refused(Reason.REVOKED));
        JsonNode fetched = as("alice", "GET", TOKENS + "/" + id, null).json();
        assertThat(fetched.get("status").asText()).isEqualTo("revoked");
        assertThat(fetched.get("revokedBy").asText()).isEqualTo("alice");
        assertThat(Instant.parse(fetched.get("revokedAt").asText()))
                .isEqualTo(server.clock().instant().truncatedTo(ChronoUnit.MICROS));
        // revoking again is a no-op, not an error, and does not bring the token back
        assertThat(as("alice", "DELETE", TOKENS + "/" + id, null).status()).isEqualTo(204);
        assertThat(verify(secret)).isEqualTo(refused(Reason.REVOKED));
    }

    @Test
    void rotatedTokenRefusesTheOldSecretAndAcceptsTheNew() {
        JsonNode created = create("alice", Map.of("name", "to rotate", "scope", "read-write"));
        String oldSecret = created.get("token").asText();
        String id = created.get("id").asText();
        assertThat(verify(oldSecret)).isInstanceOf(Verification.Valid.class);

        Answer rotated = as("alice", "POST", TOKENS + "/" + id + "/rotate", null);

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().get("token").asText();
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(rotated.json().get("id").asText()).isEqualTo(id);
        assertThat(verify(oldSecret)).isEqualTo(refused(Reason.UNKNOWN));
        assertThat(verify(newSecret)).isInstanceOf(Verification.Valid.class);
        assertThat(((Verification.Valid) verify(newSecret)).token().id()).isEqualTo(id);
        assertThat(as("alice", "GET", TOKENS + "/" + id, null)
                        .json()
                        .get("rotatedAt")
                        .isNull())
                .isFalse();
    }

    @Test
    void tokenExpiresExactlyAtItsExpiresAt() {
        Instant expiresAt = server.clock().instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MICROS);
        JsonNode created =
                create("alice", Map.of("name", "expiring", "scope", "read-only", "expiresAt", expiresAt.toString()));
        String secret = created.get("token").asText();
        String id = created.get("id").asText();

        server.clock().set(expiresAt.minusNanos(1));
        assertThat(verify(secret)).isInstanceOf(Verification.Valid.class);
        assertThat(as("alice", "GET", TOKENS + "/" + id, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("active");
        assertThat(ids(as("alice", "GET", TOKENS + "?status=active&size=200", null)))
                .contains(id);

        server.clock().set(expiresAt);
        assertThat(verify(secret)).isEqualTo(refused(Reason.EXPIRED));
        assertThat(as("alice", "GET", TOKENS + "/" + id, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("expired");
        assertThat(ids(as("alice", "GET", TOKENS + "?status=expired&size=200", null)))
                .contains(id);
        assertThat(ids(as("alice", "GET", TOKENS + "?status=active&size=200", null)))
                .doesNotContain(id);
        // an expired token cannot be rotated back to life
        assertThat(as("alice", "POST", TOKENS + "/" + id + "/rotate", null).status())
                .isEqualTo(409);
    }

    @Test
    void disabledOwnersTokensAreRefusedUntilTheOwnerIsEnabledAgain() {
        String secret = create("dave", Map.of("name", "dave's", "scope", "read-write"))
                .get("token")
                .asText();
        assertThat(verify(secret)).isInstanceOf(Verification.Valid.class);

        Answer disabled = server.asAdmin("PATCH", API + "/users/dave", Map.of("enabled", false));
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(verify(secret)).isEqualTo(refused(Reason.OWNER_DISABLED));

        assertThat(server.asAdmin("PATCH", API + "/users/dave", Map.of("enabled", true))
                        .status())
                .isEqualTo(200);
        assertThat(verify(secret)).isInstanceOf(Verification.Valid.class);
    }

    @Test
    void listsFilterAndPageNewestFirstWithTheSameShape() {
        // one second between creations, so "newest first" is decided by time, not by the tie-break
        List<String> ids = new ArrayList<>();
        for (String name : List.of("alpha", "bravo", "charlie", "delta", "echo")) {
            server.clock().advance(Duration.ofSeconds(1));
            ids.add(create("carol", Map.of("name", "carol " + name, "scope", "read-only"))
                    .get("id")
                    .asText());
        }
        assertThat(as("carol", "DELETE", TOKENS + "/" + ids.get(1), null).status())
                .isEqualTo(204);

        Answer all = as("carol", "GET", TOKENS, null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(fieldNames(all.json())).containsExactly("items", "page", "size", "total");
        assertThat(all.json().get("total").asLong()).isEqualTo(5);
        assertThat(names(all))
                .containsExactly("carol echo", "carol delta", "carol charlie", "carol bravo", "carol alpha");
        for (JsonNode item : all.json().get("items")) {
            assertThat(fieldNames(item)).containsExactlyInAnyOrderElementsOf(TOKEN_FIELDS);
        }

        List<List<String>> pages = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            Answer answer = as("carol", "GET", TOKENS + "?size=2&page=" + page, null);
            assertThat(answer.json().get("total").asLong()).isEqualTo(5);
            assertThat(answer.json().get("page").asInt()).isEqualTo(page);
            assertThat(answer.json().get("size").asInt()).isEqualTo(2);
            pages.add(names(answer));
        }
        assertThat(pages)
                .containsExactly(
                        List.of("carol echo", "carol delta"),
                        List.of("carol charlie", "carol bravo"),
                        List.of("carol alpha"));
        assertThat(names(as("carol", "GET", TOKENS + "?size=2&page=4", null))).isEmpty();

        assertThat(names(as("carol", "GET", TOKENS + "?status=revoked", null))).containsExactly("carol bravo");
        Answer active = as("carol", "GET", TOKENS + "?status=active&size=3", null);
        assertThat(active.json().get("total").asLong()).isEqualTo(4);
        assertThat(names(active)).containsExactly("carol echo", "carol delta", "carol charlie");
        assertThat(names(as("carol", "GET", TOKENS + "?q=CHAR", null))).containsExactly("carol charlie");
        String hint = all.json().get("items").get(0).get("hint").asText().substring(1);
        assertThat(names(as("carol", "GET", TOKENS + "?q=" + hint, null))).contains("carol echo");

        Answer byAdmin = server.asAdmin("GET", TOKENS + "?owner=carol&status=active", null);
        assertThat(names(byAdmin)).containsExactly("carol echo", "carol delta", "carol charlie", "carol alpha");
        assertThat(server.asAdmin("GET", TOKENS + "?owner=nobody", null)
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
        assertThat(as("carol", "GET", TOKENS + "?owner=alice", null).status()).isEqualTo(403);
        assertThat(as("carol", "GET", TOKENS + "?status=bogus", null).status()).isEqualTo(400);
    }

    @Test
    void everyLifecycleActionLeavesTheSameAuditTrail() {
        JsonNode created = create("erin", Map.of("name", "audited", "scope", "read-write"));
        String id = created.get("id").asText();
        String firstSecret = created.get("token").asText();
        String secondSecret = as("erin", "POST", TOKENS + "/" + id + "/rotate", null)
                .json()
                .get("token")
                .asText();
        assertThat(as("erin", "DELETE", TOKENS + "/" + id, null).status()).isEqualTo(204);
        assertThat(as("erin", "POST", TOKENS + "/" + id + "/rotate", null).status())
                .isEqualTo(409);
        assertThat(server.asAdmin("PATCH", API + "/users/erin", Map.of("enabled", false))
                        .status())
                .isEqualTo(200);

        Answer byErin = server.asAdmin("GET", API + "/audit?actor=erin", null);

        assertThat(byErin.status()).isEqualTo(200);
        assertThat(trail(byErin))
                .containsExactly(
                        "token.rotate failure " + id,
                        "token.revoke success " + id,
                        "token.rotate success " + id,
                        "token.create success " + id);
        for (JsonNode event : byErin.json().get("items")) {
            assertThat(event.get("sourceIp").asText()).isEqualTo("127.0.0.1");
        }
        assertThat(trail(server.asAdmin("GET", API + "/audit?action=user.disable", null)))
                .filteredOn(line -> line.endsWith(" erin"))
                .containsExactly("user.disable success erin");
        String everything = server.asAdmin("GET", API + "/audit?size=500", null).body();
        assertThat(everything).doesNotContain(firstSecret, secondSecret, PASSWORD);
    }

    private static List<String> trail(Answer answer) {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : answer.json().get("items")) {
            lines.add(event.get("action").asText() + " " + event.get("outcome").asText() + " "
                    + event.get("target").asText());
        }
        return lines;
    }

    private static List<String> names(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return StreamSupport.stream(answer.json().get("items").spliterator(), false)
                .map(item -> item.get("name").asText())
                .toList();
    }

    private static List<String> ids(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return StreamSupport.stream(answer.json().get("items").spliterator(), false)
                .map(item -> item.get("id").asText())
                .toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
