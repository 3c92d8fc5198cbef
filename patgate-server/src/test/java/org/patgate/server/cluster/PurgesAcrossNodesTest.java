package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.SharedLimits;
import org.patgate.server.store.Database;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * The change-log purge and the purge of shared rate-limit counts are cluster jobs: two nodes (two
 * pools on one real PostgreSQL) leave them alone while another node holds the job, and one of them
 * does the work on its next turn once the holder is gone. The change-log purge keeps its retention
 * and never deletes the newest row.
 */
@PostgresTest
class PurgesAcrossNodesTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final MutableClock clock = MutableClock.startingNow();
    private PostgresFixture.TestDatabase db;
    private Database nodeA;
    private Database nodeB;
    private Connection otherNode;

    @BeforeEach
    void open() throws Exception {
        db = PostgresFixture.start().createDatabase();
        nodeA = Database.open(db.jdbcUrl(), db.username(), db.password(), 2);
        nodeB = Database.open(db.jdbcUrl(), db.username(), db.password(), 2);
        otherNode = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
    }

    @AfterEach
    void close() throws Exception {
        otherNode.close();
        nodeA.close();
        nodeB.close();
    }

    @Test
    void theChangeLogPurgeWaitsWhileAnotherNodeHoldsItThenRunsOnceAndKeepsTheNewestRow() throws Exception {
        Instant now = clock.instant();
        long first = change(now.minus(Duration.ofDays(3)));
        long second = change(now.minus(Duration.ofDays(2)));
        long newest = change(now.minus(Duration.ofDays(2)));
        hold(ClusterJob.CHANGE_LOG_PURGE);
        ClusterJobs jobsA = ClusterJobs.on(nodeA);
        ClusterJobs jobsB = ClusterJobs.on(nodeB);
        LocalCaches nothing = new LocalCaches(d -> {}, o -> {}, () -> {}, () -> {}, u -> {}, () -> {});
        try (ChangePropagation a = ChangePropagation.start(
                        nodeA, db.jdbcUrl(), db.username(), db.password(), nothing, clock, jobsA);
                ChangePropagation b = ChangePropagation.start(
                        nodeB, db.jdbcUrl(), db.username(), db.password(), nothing, clock, jobsB)) {
            assertThat(a.listening() && b.listening()).isTrue();
            awaitTrue(() ->
                    jobsA.skipped(ClusterJob.CHANGE_LOG_PURGE) > 0 && jobsB.skipped(ClusterJob.CHANGE_LOG_PURGE) > 0);
            assertThat(changes()).as("left while held elsewhere").containsExactly(first, second, newest);
            assertThat(jobsA.ran(ClusterJob.CHANGE_LOG_PURGE) + jobsB.ran(ClusterJob.CHANGE_LOG_PURGE))
                    .isZero();

            release(ClusterJob.CHANGE_LOG_PURGE);
            clock.advance(Duration.ofMinutes(61));
            awaitTrue(() -> changes().size() == 1);
            assertThat(changes())
                    .as("the newest row stays, however old, so a node back later sees the gap")
                    .containsExactly(newest);
            assertThat(jobsA.ran(ClusterJob.CHANGE_LOG_PURGE) + jobsB.ran(ClusterJob.CHANGE_LOG_PURGE))
                    .isPositive();

            // A row younger than the retention stays; the once-newest, now old, goes on the next turn.
            long recent = change(clock.instant().minus(Duration.ofHours(23)));
            clock.advance(Duration.ofMinutes(61));
            awaitTrue(() -> changes().size() == 1 && changes().getFirst() == recent);
        }
    }

    @Test
    void theRateLimitCountsPurgeWaitsWhileAnotherNodeHoldsItThenOneNodeRunsIt() throws Exception {
        try (Statement insert = otherNode.createStatement()) {
            insert.executeUpdate(
                    "INSERT INTO rate_limit_takes (bucket, node, taken, taken_before, created_at, updated_at) "
                            + "VALUES ('token:old', 'gone-node', 5, 4, CURRENT_TIMESTAMP - INTERVAL '3 days', "
                            + "CURRENT_TIMESTAMP - INTERVAL '2 days'), "
                            + "('token:fresh', 'gone-node', 5, 4, CURRENT_TIMESTAMP - INTERVAL '3 days', "
                            + "CURRENT_TIMESTAMP - INTERVAL '1 hour')");
        }
        ClusterJobs jobsA = ClusterJobs.on(nodeA);
        ClusterJobs jobsB = ClusterJobs.on(nodeB);
        SharedLimits a =
                new SharedLimits(new RateLimiter(clock, 1_000), nodeA.rateLimitTakes(), "node-a", clock, jobsA);
        SharedLimits b =
                new SharedLimits(new RateLimiter(clock, 1_000), nodeB.rateLimitTakes(), "node-b", clock, jobsB);
        hold(ClusterJob.RATE_LIMIT_TAKES_PURGE);
        a.sync();
        b.sync();
        assertThat(jobsA.skipped(ClusterJob.RATE_LIMIT_TAKES_PURGE)).isEqualTo(1);
        assertThat(jobsB.skipped(ClusterJob.RATE_LIMIT_TAKES_PURGE)).isEqualTo(1);
        assertThat(buckets()).as("left while held elsewhere").containsExactly("token:fresh", "token:old");

        release(ClusterJob.RATE_LIMIT_TAKES_PURGE);
        a.sync();
        assertThat(buckets()).as("a node tries again only after ten minutes").hasSize(2);
        clock.advance(Duration.ofMinutes(11));
        a.sync();
        assertThat(jobsA.ran(ClusterJob.RATE_LIMIT_TAKES_PURGE)).isEqualTo(1);
        assertThat(buckets()).as("only the row unchanged for a day is gone").containsExactly("token:fresh");
    }

    private long change(Instant at) throws Exception {
        try (PreparedStatement insert = otherNode.prepareStatement(
                "INSERT INTO changes (kind, subject, at) VALUES ('settings', '', ?) RETURNING seq")) {
            insert.setTimestamp(1, Timestamp.from(at));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private List<Long> changes() {
        return query("SELECT seq FROM changes ORDER BY seq", row -> row.getLong(1));
    }

    private List<String> buckets() {
        return query("SELECT bucket FROM rate_limit_takes ORDER BY bucket", row -> row.getString(1));
    }

    private interface Column<T> {
        T read(ResultSet row) throws Exception;
    }

    private <T> List<T> query(String sql, Column<T> column) {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<T> found = new ArrayList<>();
            while (rows.next()) {
                found.add(column.read(rows));
            }
            return found;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The other node takes the job's lock, as it does for a run, and keeps it. */
    private void hold(ClusterJob job) throws Exception {
        assertThat(lockCall("pg_try_advisory_lock", job)).as("taken").isTrue();
    }

    private void release(ClusterJob job) throws Exception {
        assertThat(lockCall("pg_advisory_unlock", job)).as("released").isTrue();
    }

    private boolean lockCall(String function, ClusterJob job) throws Exception {
        try (PreparedStatement lock = otherNode.prepareStatement("SELECT " + function + "(?, ?)")) {
            lock.setInt(1, ClusterJobs.LOCK_NAMESPACE);
            lock.setInt(2, job.key());
            try (ResultSet row = lock.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within " + BOUND).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
