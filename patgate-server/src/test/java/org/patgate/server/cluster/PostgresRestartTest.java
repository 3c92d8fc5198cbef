package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CuttableTcpProxy;
import org.patgate.server.testing.Polling;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * The promise of docs/cluster.md "PostgreSQL restart": a running node whose database goes away and
 * comes back (every connection broken, new ones refused meanwhile, as a restart does to its clients)
 * notices both on its own heartbeat, reconnects without a restart of its own, and then serves a
 * token created after the restart; the activity written before, during and after is all there.
 */
@PostgresTest
class PostgresRestartTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aNodeReconnectsAfterARestartServesANewTokenAndLosesNoActivity() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        try (CuttableTcpProxy proxy =
                        new CuttableTcpProxy(PostgresFixture.start().port());
                RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = TestServer.start(
                        dir,
                        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name(),
                        db.username(),
                        db.password(),
                        Map.of(
                                "PATGATE_UPSTREAM_URL",
                                upstream.url(),
                                "PATGATE_CLUSTER_HEARTBEATINTERVAL",
                                "1s",
                                // A beat against the cut database gives up after this, not the default 10 s.
                                "PATGATE_DATABASE_CONNECTIONTIMEOUT",
                                "1s"))) {
            node.createUser("alice", "alice-password-123");
            JsonNode before = create(node, "before-restart");
            String beforeToken = before.get("token").asText();
            assertThat(use(node, beforeToken).status()).isEqualTo(200);

            proxy.cut();
            await(() -> node.server().databaseWatch().unreachable(), "the heartbeat notices the database is gone");
            // Served from memory meanwhile; its activity waits for the database.
            assertThat(use(node, beforeToken).status()).isEqualTo(200);
            proxy.restore();
            await(() -> !node.server().databaseWatch().unreachable(), "the heartbeat finds the database back");

            JsonNode after = create(node, "after-restart");
            assertThat(use(node, after.get("token").asText()).status()).isEqualTo(200);
            assertThat(use(node, beforeToken).status()).isEqualTo(200);

            node.server().activity().flush();
            assertThat(requests(node, before.get("id").asText())).isEqualTo(3);
            assertThat(requests(node, after.get("id").asText())).isEqualTo(1);
            assertThat(node.server().activity().dropped()).isZero();
            Answer health = node.raw("GET", "/.patgate/health", Map.of(), null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void connectionsTheServerTerminatesAreReplacedAndTheirRequestsAnswer503NotAnError() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer node = TestServer.start(
                        dir,
                        db.jdbcUrl(),
                        db.username(),
                        db.password(),
                        Map.of("PATGATE_UPSTREAM_URL", upstream.url()))) {
            node.createUser("alice", "alice-password-123");
            String before = create(node, "before").get("token").asText();
            assertThat(use(node, before).status()).isEqualTo(200);

            // What a restart's shutdown does to every client connection: FATAL 57P01, admin shutdown.
            try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    PreparedStatement terminate =
                            admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                    + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
                terminate.setString(1, db.name());
                terminate.execute();
            }

            // A request handed a connection the server just ended gets 503 with Retry-After (never a
            // 500); the pool drops that connection, and within the pool's size a retry goes through.
            assertThat(use(node, before).status()).isEqualTo(200);
            Answer created = null;
            for (int attempt = 0; attempt <= 11; attempt++) {
                created = node.call(
                        "POST",
                        "/.patgate/api/v1/tokens",
                        "alice",
                        "alice-password-123",
                        Map.of("name", "after-" + attempt, "scope", "read-only"));
                if (created.status() == 201) {
                    break;
                }
                assertThat(created.status()).as(created.body()).isEqualTo(503);
                assertThat(created.json().get("type").asText()).isEqualTo("/.patgate/problems/database-unavailable");
                assertThat(created.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(use(node, created.json().get("token").asText()).status()).isEqualTo(200);
            node.server().activity().flush();
            assertThat(requests(node, created.json().get("id").asText())).isEqualTo(1);
        }
    }

    private static JsonNode create(TestServer node, String name) {
        Answer created = node.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                "alice-password-123",
                Map.of("name", name, "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static Answer use(TestServer node, String token) {
        return node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null);
    }

    private static int requests(TestServer node, String tokenId) {
        Answer activity = node.call(
                "GET", "/.patgate/api/v1/tokens/" + tokenId + "/activity", "alice", "alice-password-123", null);
        assertThat(activity.status()).as(activity.body()).isEqualTo(200);
        return activity.json().get("items").size();
    }

    private static void await(BooleanSupplier condition, String what) {
        Polling.waitUntil(BOUND, what, condition);
    }
}
