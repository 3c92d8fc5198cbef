package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.Polling;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.RestartablePostgres;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * The promise of docs/cluster.md "PostgreSQL restart", with the server process itself stopped and
 * started again on the same data directory and port (a PostgreSQL server of this test's own, not the
 * shared one). Two nodes on it: while it is down they serve the tokens they cached and refuse the
 * others and the management API with 503 problem+json; once it is back both reconnect without a
 * restart of their own, serve a token created after the restart, hear each other's revocations again
 * (their listening connections are back), and the activity of before, during and after is all there.
 */
@PostgresTest
class PostgresServerRestartTest {

    /** Reconnecting: the listener's backoff reaches 5 s, and the machine may be busy. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static final String PW = "alice-password-123";
    /** Far above every wait below: a refusal within the propagation bound can only come from a notice. */
    private static final Map<String, String> ENV =
            Map.of("PATGATE_CLUSTER_HEARTBEATINTERVAL", "1s", "PATGATE_TOKENS_CACHETTL", "10m");

    @TempDir
    Path dir;

    @Test
    void bothNodesReconnectAfterThePostgresProcessRestartsAndLoseNoActivity() throws Exception {
        try (RestartablePostgres postgres = RestartablePostgres.launch();
                RecordingUpstream upstream = new RecordingUpstream()) {
            PostgresFixture.TestDatabase db = postgres.createDatabase();
            Map<String, String> env = new HashMap<>(ENV);
            env.put("PATGATE_UPSTREAM_URL", upstream.url());
            try (TestServer a = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), env);
                    TestServer b = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), env)) {
                restartAndCheck(postgres, a, b);
            }
        }
    }

    private static void restartAndCheck(RestartablePostgres postgres, TestServer a, TestServer b) throws Exception {
        List<TestServer> nodes = List.of(a, b);
        a.createUser("alice", PW);
        JsonNode before = create(a, "before-restart");
        String beforeToken = before.get("token").asText();
        String neverUsed = create(a, "never-used").get("token").asText();
        for (TestServer node : nodes) {
            assertThat(use(node, beforeToken).status()).isEqualTo(200);
            assertThat(node.server().changePropagation().listening()).isTrue();
        }

        postgres.stop();
        for (TestServer node : nodes) {
            assertThat(node.server().heartbeat().beat())
                    .as("the heartbeat finds the database gone")
                    .isFalse();
            // Cached: served from memory, its activity held for the database.
            assertThat(use(node, beforeToken).status()).isEqualTo(200);
            // Never seen by the node: fail closed, not 401, and the secret is not echoed.
            Answer unknown = use(node, neverUsed);
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(503);
            assertThat(unknown.contentType()).isEqualTo("application/problem+json");
            assertThat(unknown.body()).doesNotContain(neverUsed);
            Answer api = node.call("GET", "/.patgate/api/v1/tokens", "alice", PW, null);
            assertThat(api.status()).as(api.body()).isEqualTo(503);
            assertThat(api.contentType()).isEqualTo("application/problem+json");
            assertThat(api.json().get("type").asText()).isEqualTo("/.patgate/problems/database-unavailable");
            assertThat(api.headers().firstValue("Retry-After")).isPresent();
        }

        postgres.start();
        for (TestServer node : nodes) {
            ChangePropagation propagation = node.server().changePropagation();
            await(() -> node.server().heartbeat().beat(), "the heartbeat finds the database back");
            await(propagation::listening, "the node listens for changes again");
        }

        JsonNode after = create(a, "after-restart");
        String afterToken = after.get("token").asText();
        for (TestServer node : nodes) {
            assertThat(use(node, afterToken).status()).isEqualTo(200);
            assertThat(use(node, beforeToken).status()).isEqualTo(200);
        }

        // Every request answered before, during and after the restart is recorded, by both nodes.
        await(
                () -> requests(a, before) == 6 && requests(a, after) == 2,
                "the activity of both nodes is written",
                nodes);
        assertThat(requests(a, before)).isEqualTo(6);
        assertThat(requests(a, after)).isEqualTo(2);
        for (TestServer node : nodes) {
            assertThat(node.server().activity().dropped()).isZero();
            Answer health = node.raw("GET", "/.patgate/health", Map.of(), null);
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
        }

        // B cached the new token for ten minutes; a revocation on A reaches it by notice.
        Answer revoked =
                a.call("DELETE", "/.patgate/api/v1/tokens/" + after.get("id").asText(), "alice", PW, null);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        long deadline = System.nanoTime() + ChangePropagationTest.BOUND.toNanos();
        while (use(b, afterToken).status() != 401) {
            assertThat(System.nanoTime())
                    .as("node B refuses the revoked token within " + ChangePropagationTest.BOUND)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static JsonNode create(TestServer node, String name) {
        Answer created =
                node.call("POST", "/.patgate/api/v1/tokens", "alice", PW, Map.of("name", name, "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static Answer use(TestServer node, String token) {
        return node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null);
    }

    private static int requests(TestServer node, JsonNode token) {
        Answer activity = node.call(
                "GET", "/.patgate/api/v1/tokens/" + token.get("id").asText() + "/activity", "alice", PW, null);
        assertThat(activity.status()).as(activity.body()).isEqualTo(200);
        return activity.json().get("items").size();
    }

    /** Waits until {@code condition} holds, having {@code flushing} write their activity before each look. */
    private static void await(BooleanSupplier condition, String what, List<TestServer> flushing) {
        Polling.waitUntil(BOUND, what, () -> {
            flushing.forEach(node -> node.server().activity().flush());
            return condition.getAsBoolean();
        });
    }

    private static void await(BooleanSupplier condition, String what) {
        await(condition, what, List.of());
    }
}
