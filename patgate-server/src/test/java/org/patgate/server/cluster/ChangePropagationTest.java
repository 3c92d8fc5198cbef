package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.Polling;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Two nodes on one real PostgreSQL, each caching token checks for ten minutes: what one node changes
 * reaches the other's caches within a bounded wait far below that, so only propagation can explain it.
 * Also: a node whose listening connection is killed catches up on what it missed once it is back.
 */
@PostgresTest
@EndToEndTest
class ChangePropagationTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";
    /** Far above any wait below: a refusal within it can only come from propagation. */
    static final Map<String, String> LONG_CACHE =
            Map.of("PATGATE_TOKENS_CACHETTL", "10m", "PATGATE_TOKENS_NEGATIVECACHETTL", "10m");

    static final Duration BOUND = Duration.ofSeconds(5);

    private static Path dir;
    private static PostgresFixture.TestDatabase db;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("patgate-propagate-");
        db = PostgresFixture.start().createDatabase();
        // One pepper file for both: the nodes of a cluster share the pepper.
        a = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), LONG_CACHE);
        b = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), LONG_CACHE);
        assertThat(b.server().changePropagation().listening()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        FileTrees.deleteQuietly(dir);
    }

    @Test
    void tokenRevokedOnOneNodeIsRefusedOnTheOtherAtOnce() {
        a.createUser("rita", PW);
        String[] token = tokenOf("rita");
        assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

        assertThat(a.call("DELETE", API + "/tokens/" + token[0], "rita", PW, null)
                        .status())
                .isEqualTo(204);

        assertRefusedOnB(token[1], "revoked");
    }

    @Test
    void rotatedTokensOldSecretIsRefusedOnTheOtherNode() {
        a.createUser("rob", PW);
        String[] token = tokenOf("rob");
        assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

        Answer rotated = a.call("POST", API + "/tokens/" + token[0] + "/rotate", "rob", PW, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);

        assertRefusedOnB(token[1], "not valid");
        assertThat(selfOn(b, rotated.json().get("token").asText()).status()).isEqualTo(200);
    }

    @Test
    void disabledUsersTokenIsRefusedOnTheOtherNode() {
        a.createUser("dora", PW);
        String[] token = tokenOf("dora");
        assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

        Answer disabled = a.asAdmin("PATCH", API + "/users/dora", Map.of("enabled", false));
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);

        assertRefusedOnB(token[1], "owner");
    }

    @Test
    void deletedUsersTokenIsRefusedOnTheOtherNode() {
        a.createUser("dan", PW);
        String[] token = tokenOf("dan");
        assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

        assertThat(a.asAdmin("DELETE", API + "/users/dan", null).status()).isEqualTo(204);

        assertRefusedOnB(token[1], "not valid");
    }

    @Test
    void userRateLimitSetOnOneNodeAppliesOnTheOther() {
        a.createUser("lim", PW);
        String[] token = tokenOf("lim");
        assertThat(selfOn(b, token[1]).json().get("rateLimit").isNull()).isTrue();

        Answer set = a.asAdmin("PUT", API + "/users/lim/rate-limit", Map.of("perMinute", 100));
        assertThat(set.status()).as(set.body()).isEqualTo(200);

        waitUntil(
                () -> !selfOn(b, token[1]).json().get("rateLimit").isNull(),
                "node B applies the new rate limit to the cached token");
        assertThat(selfOn(b, token[1]).json().at("/rateLimit/perMinute").asInt())
                .isEqualTo(100);
    }

    @Test
    void groupPermissionRemovedOnOneNodeRefusesOnTheOther() {
        // Everyone keeps use-tokens but group "ops" is what gives it to gus here.
        a.createUser("gus", PW, "ops");
        assertThat(a.asAdmin("PUT", API + "/permissions/groups/ops", Map.of("permissions", List.of("use-tokens")))
                        .status())
                .isEqualTo(200);
        String[] token = tokenOf("gus");
        assertThat(a.asAdmin("PUT", API + "/permissions/everyone", Map.of("permissions", List.of("create-tokens")))
                        .status())
                .isEqualTo(200);
        try {
            assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

            assertThat(a.asAdmin("PUT", API + "/permissions/groups/ops", Map.of("permissions", List.of()))
                            .status())
                    .isEqualTo(200);

            assertRefusedOnB(token[1], "owner");
        } finally {
            a.asAdmin(
                    "PUT",
                    API + "/permissions/everyone",
                    Map.of("permissions", List.of("use-tokens", "create-tokens")));
        }
    }

    @Test
    void settingChangedOnOneNodeAppliesOnTheOther() {
        assertThat(b.asAdmin("GET", API + "/settings", null)
                        .json()
                        .at("/rest/passwordAuth/value")
                        .asText())
                .isEqualTo("block");

        Answer put = a.asAdmin("PUT", API + "/settings", Map.of("rest", Map.of("passwordAuth", "allow")));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        try {
            waitUntil(
                    () -> b.asAdmin("GET", API + "/settings", null)
                            .json()
                            .at("/rest/passwordAuth/value")
                            .asText()
                            .equals("allow"),
                    "node B applies passwordAuth: allow");
        } finally {
            a.asAdmin("DELETE", API + "/settings", null);
        }
    }

    @Test
    void nodeThatLostItsListeningConnectionReplaysWhatItMissed() throws SQLException {
        a.createUser("lena", PW);
        String[] token = tokenOf("lena");
        assertThat(selfOn(b, token[1]).status()).isEqualTo(200);
        ChangePropagation onB = b.server().changePropagation();
        long resyncs = onB.resyncs();
        int pid = onB.listenerBackendPid();
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            // A revocation whose notification never reaches B: written as the node would, but not notified.
            try (PreparedStatement revoke =
                    admin.prepareStatement("UPDATE tokens SET status = 'revoked' WHERE id = ?")) {
                revoke.setString(1, token[0]);
                assertThat(revoke.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement log = admin.prepareStatement(
                    "INSERT INTO changes (kind, subject, at) SELECT 'token', digest, CURRENT_TIMESTAMP"
                            + " FROM tokens WHERE id = ?")) {
                log.setString(1, token[0]);
                assertThat(log.executeUpdate()).isEqualTo(1);
            }
            // Still cached on B (ten minutes): nothing told it.
            assertThat(selfOn(b, token[1]).status()).isEqualTo(200);

            try (PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                kill.setInt(1, pid);
                kill.execute();
            }
        }
        waitUntil(() -> onB.resyncs() > resyncs && onB.listening(), "node B listens again after a replay");
        assertThat(onB.listenerBackendPid()).isNotEqualTo(pid);
        assertThat(selfOn(b, token[1]).status()).isEqualTo(401);
        // Back to normal: a later revocation on A arrives by notification again.
        a.createUser("lena2", PW);
        String[] next = tokenOf("lena2");
        assertThat(selfOn(b, next[1]).status()).isEqualTo(200);
        a.call("DELETE", API + "/tokens/" + next[0], "lena2", PW, null);
        assertRefusedOnB(next[1], "revoked");
    }

    /** Creates a token for {@code user} on node A: {id, secret}. */
    private static String[] tokenOf(String user) {
        Answer created = a.call("POST", API + "/tokens", user, PW, Map.of("name", "t", "scope", "read-write"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new String[] {
            created.json().get("id").asText(), created.json().get("token").asText()
        };
    }

    private static Answer selfOn(TestServer node, String token) {
        return node.raw("GET", API + "/self", Map.of("Authorization", "Bearer " + token), null);
    }

    private static void assertRefusedOnB(String token, String detail) {
        waitUntil(() -> selfOn(b, token).status() == 401, "node B refuses the token");
        assertThat(selfOn(b, token).body()).contains(detail);
    }

    /** Polls every 20 ms for at most {@link #BOUND}. */
    private static void waitUntil(BooleanSupplier condition, String what) {
        Polling.waitUntil(BOUND, what, condition);
    }
}
