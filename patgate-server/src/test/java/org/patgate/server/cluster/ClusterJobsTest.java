package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.store.Database;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * Two nodes, each with its own connection pool on one real PostgreSQL database, racing the same
 * scheduled job: one runs it, the other skips; a holder whose connection dies frees the job.
 */
@PostgresTest
class ClusterJobsTest {

    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    private static PostgresFixture.TestDatabase db;
    private Database nodeA;
    private Database nodeB;

    @BeforeAll
    static void createDatabase() {
        db = PostgresFixture.start().createDatabase();
    }

    @BeforeEach
    void openTwoNodes() {
        nodeA = Database.open(db.jdbcUrl(), db.username(), db.password(), 2);
        nodeB = Database.open(db.jdbcUrl(), db.username(), db.password(), 2);
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    /** A job run on its own thread that holds the job until released. */
    private static final class BlockingRun {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Boolean> result;

        BlockingRun(ClusterJobs jobs, ClusterJob job) throws InterruptedException {
            result = CompletableFuture.supplyAsync(() -> jobs.runIfFree(job, () -> {
                inside.countDown();
                try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(inside.await(WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("the job started")
                    .isTrue();
        }

        boolean finish() throws Exception {
            release.countDown();
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileOneNodeRunsAJobTheOtherSkipsItAndRunsItNextTime() throws Exception {
        ClusterJobs a = ClusterJobs.on(nodeA);
        ClusterJobs b = ClusterJobs.on(nodeB);
        AtomicInteger runsOnB = new AtomicInteger();

        BlockingRun onA = new BlockingRun(a, ClusterJob.NOTICE_SCHEDULE);
        assertThat(b.runIfFree(ClusterJob.NOTICE_SCHEDULE, runsOnB::incrementAndGet))
                .isFalse();
        assertThat(runsOnB).hasValue(0);
        assertThat(b.skipped(ClusterJob.NOTICE_SCHEDULE)).isEqualTo(1);
        // Each job has its own lock: another job is not held up.
        assertThat(b.runIfFree(ClusterJob.TOKEN_USAGE_PURGE, () -> {})).isTrue();
        assertThat(onA.finish()).isTrue();

        assertThat(b.runIfFree(ClusterJob.NOTICE_SCHEDULE, runsOnB::incrementAndGet))
                .isTrue();
        assertThat(runsOnB).hasValue(1);
        assertThat(a.ran(ClusterJob.NOTICE_SCHEDULE)).isEqualTo(1);
        assertThat(b.ran(ClusterJob.NOTICE_SCHEDULE)).isEqualTo(1);
    }

    @Test
    void aNodeWhoseConnectionDiesMidRunFreesTheJobForTheOthers() throws Exception {
        ClusterJobs a = ClusterJobs.on(nodeA);
        ClusterJobs b = ClusterJobs.on(nodeB);
        BlockingRun onA = new BlockingRun(a, ClusterJob.NOTICE_SCHEDULE);
        assertThat(b.runIfFree(ClusterJob.NOTICE_SCHEDULE, () -> {})).isFalse();

        // What the database sees when the node holding the lock is killed: its session ends.
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            int holder = lockHolder(admin, ClusterJob.NOTICE_SCHEDULE);
            try (PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                kill.setInt(1, holder);
                kill.execute();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (lockHolder(admin, ClusterJob.NOTICE_SCHEDULE) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        assertThat(b.runIfFree(ClusterJob.NOTICE_SCHEDULE, () -> {})).isTrue();
        onA.finish();
    }

    @Test
    void aFailedRunFreesTheJobAndTheFailureReachesTheCaller() {
        ClusterJobs a = ClusterJobs.on(nodeA);
        ClusterJobs b = ClusterJobs.on(nodeB);
        assertThatThrownBy(() -> a.runIfFree(ClusterJob.USAGE_COUNTER_PURGE, () -> {
                    throw new IllegalStateException("purge failed");
                }))
                .hasMessage("purge failed");
        assertThat(b.runIfFree(ClusterJob.USAGE_COUNTER_PURGE, () -> {})).isTrue();
    }

    @Test
    void aNodeWithAPoolOfOneConnectionRunsAJobThatUsesTheDatabase() {
        try (Database single = Database.open(db.jdbcUrl(), db.username(), db.password(), 1)) {
            AtomicLong users = new AtomicLong(-1);
            boolean ran = ClusterJobs.on(single)
                    .runIfFree(
                            ClusterJob.NOTICE_SCHEDULE,
                            () -> users.set(single.users().count()));
            assertThat(ran).isTrue();
            assertThat(users).hasValue(0);
        }
    }

    @Test
    void onH2TheJobIsKeptApartWithinTheNode() throws Exception {
        try (Database h2 = Database.open("jdbc:h2:file:" + dir.resolve("db"), "", "", 2)) {
            ClusterJobs jobs = ClusterJobs.on(h2);
            BlockingRun first = new BlockingRun(jobs, ClusterJob.NOTICE_SCHEDULE);
            assertThat(jobs.runIfFree(ClusterJob.NOTICE_SCHEDULE, () -> {})).isFalse();
            assertThat(jobs.skipped(ClusterJob.NOTICE_SCHEDULE)).isEqualTo(1);
            assertThat(first.finish()).isTrue();
            assertThat(jobs.runIfFree(ClusterJob.NOTICE_SCHEDULE, () -> {})).isTrue();
        }
    }

    /** The backend pid holding the job's advisory lock, or 0 when nobody holds it. */
    private static int lockHolder(Connection admin, ClusterJob job) throws SQLException {
        try (PreparedStatement query = admin.prepareStatement("SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
                + " AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 2 AND granted")) {
            query.setLong(1, ClusterJobs.LOCK_NAMESPACE);
            query.setLong(2, job.key());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }
}
