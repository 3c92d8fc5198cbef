package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.activity.TokenUseEvent;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;

/**
 * The activity writer's purge of old hourly request counters is a cluster job: a node leaves it alone
 * while another holds the job, and does it on its next hourly turn once the holder is gone.
 */
@PostgresTest
class UsagePurgeAcrossNodesTest {

    @TempDir
    Path dir;

    private TestServer node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theNodeSkipsThePurgeWhileAnotherHoldsItAndPurgesOnItsNextTurn() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        node = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), Map.of());
        node.createUser("alice", "alice-password-123");
        TestServer.Answer created = node.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                "alice-password-123",
                Map.of("name", "counted", "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = created.json().get("id").asText();
        Instant longAgo = node.clock().instant().minus(Duration.ofDays(120)).truncatedTo(ChronoUnit.HOURS);

        try (Connection otherNode = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            try (PreparedStatement old = otherNode.prepareStatement(
                    "INSERT INTO token_usage_hourly (token_id, hour_start, requests, failed) VALUES (?, ?, 7, 0)")) {
                old.setString(1, token);
                old.setTimestamp(2, Timestamp.from(longAgo));
                old.executeUpdate();
            }
            try (PreparedStatement lock = otherNode.prepareStatement("SELECT pg_try_advisory_lock(?, ?)");
                    ResultSet taken = lockFor(lock, ClusterJob.TOKEN_USAGE_PURGE)) {
                assertThat(taken.next() && taken.getBoolean(1)).isTrue();
            }
            use(token);
            assertThat(hoursBefore(db, longAgo.plusSeconds(1)))
                    .as("left while held elsewhere")
                    .isEqualTo(1);
        }

        // The holder is gone; the node purges at most once an hour.
        node.clock().advance(Duration.ofMinutes(61));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (hoursBefore(db, longAgo.plusSeconds(1)) > 0 && System.nanoTime() < deadline) {
            use(token);
            node.clock().advance(Duration.ofMinutes(61));
        }
        assertThat(hoursBefore(db, longAgo.plusSeconds(1))).as("purged").isZero();
    }

    /** One token use, written now. */
    private void use(String token) {
        node.server()
                .activity()
                .record(new TokenUseEvent(token, node.clock().instant(), "GET", "/rest/x", 200, 10, "192.0.2.1", "t"));
        node.server().activity().flush();
    }

    private static ResultSet lockFor(PreparedStatement lock, ClusterJob job) throws Exception {
        lock.setInt(1, ClusterJobs.LOCK_NAMESPACE);
        lock.setInt(2, job.key());
        return lock.executeQuery();
    }

    private static long hoursBefore(PostgresFixture.TestDatabase db, Instant before) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement count =
                        connection.prepareStatement("SELECT COUNT(*) FROM token_usage_hourly WHERE hour_start < ?")) {
            count.setTimestamp(1, Timestamp.from(before));
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
