package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.store.Database;
import org.patgate.server.store.StoreException;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * Two nodes on one real PostgreSQL hold one limit together: each counts what the other let through
 * after a sync, a bucket one node has not made yet starts with the other's requests taken, the excess
 * of one interval is paid back, and a sync that fails keeps its counts for the next.
 */
@PostgresTest
class SharedLimitsTest {

    static Database database;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    final RateLimiter limiterA = new RateLimiter(clock, 1_000);
    final RateLimiter limiterB = new RateLimiter(clock, 1_000);
    SharedLimits nodeA;
    SharedLimits nodeB;

    @BeforeAll
    static void openDatabase() {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        database = Database.open(db.jdbcUrl(), db.username(), db.password(), 4);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    /** Fresh nodes on a fresh bucket name per test, both having synced once (their first read counts from there). */
    AppliedLimit startNodes(String bucket, RateLimit limit) {
        nodeA = new SharedLimits(limiterA, database.rateLimitTakes(), "node-a-" + bucket, clock, ClusterJobs.local());
        nodeB = new SharedLimits(limiterB, database.rateLimitTakes(), "node-b-" + bucket, clock, ClusterJobs.local());
        nodeA.sync();
        nodeB.sync();
        return AppliedLimit.of(bucket, limit, "the token");
    }

    @Test
    void eachNodeCountsWhatTheOtherLetThroughAfterASync() {
        AppliedLimit limit = startNodes("token:shared", new RateLimit(null, 10, null, null));
        limiterB.consume(limit); // B holds the bucket already
        IntStream.range(0, 7)
                .forEach(i -> assertThat(limiterA.consume(limit).allowed()).isTrue());

        nodeA.sync();
        nodeB.sync();

        // 10 per minute: B took 1 itself and learnt of A's 7, so 2 are left there.
        assertThat(limiterB.peek(limit).remaining()).containsExactly(2);
        assertThat(limiterB.consume(limit).allowed()).isTrue();
        assertThat(limiterB.consume(limit).allowed()).isTrue();
        assertThat(limiterB.consume(limit).allowed()).isFalse();
        // And A learns of B's three.
        nodeB.sync();
        nodeA.sync();
        assertThat(limiterA.peek(limit).remaining()).containsExactly(0);
    }

    @Test
    void aBucketANodeHasNotMadeYetStartsWithTheOthersRequestsTaken() {
        AppliedLimit limit = startNodes("token:late", new RateLimit(null, 5, null, null));
        IntStream.range(0, 4).forEach(i -> limiterA.consume(limit));

        nodeA.sync();
        nodeB.sync();

        assertThat(limiterB.consume(limit).remaining()).containsExactly(0);
        assertThat(limiterB.consume(limit).allowed()).isFalse();
    }

    @Test
    void theExcessOfOneIntervalIsPaidBackBeforeMoreIsLetThrough() {
        AppliedLimit limit = startNodes("token:excess", new RateLimit(null, 6, null, null));
        limiterB.consume(limit);
        // Within one interval both nodes let through the whole limit: 12 of 6.
        IntStream.range(0, 5)
                .forEach(i -> assertThat(limiterA.consume(limit).allowed()).isTrue());
        IntStream.range(0, 5)
                .forEach(i -> assertThat(limiterB.consume(limit).allowed()).isTrue());
        limiterA.consume(limit);

        nodeA.sync();
        nodeB.sync();
        nodeA.sync();

        // 6 per minute refill one every 10 s; both nodes owe the cluster's excess first.
        clock.advance(Duration.ofSeconds(30));
        assertThat(limiterA.consume(limit).allowed()).isFalse();
        assertThat(limiterB.consume(limit).allowed()).isFalse();
        clock.advance(Duration.ofSeconds(60));
        assertThat(limiterA.consume(limit).allowed()).isTrue();
    }

    @Test
    void countsOfASyncThatFailedAreAddedByTheNext() throws Exception {
        AppliedLimit limit = startNodes("token:retry", new RateLimit(null, 10, null, null));
        limiterB.consume(limit);
        IntStream.range(0, 3).forEach(i -> limiterA.consume(limit));
        renameTable("rate_limit_takes", "rate_limit_takes_away");
        try {
            assertThatThrownBy(nodeA::sync).isInstanceOf(StoreException.class);
        } finally {
            renameTable("rate_limit_takes_away", "rate_limit_takes");
        }
        IntStream.range(0, 2).forEach(i -> limiterA.consume(limit));

        nodeA.sync();
        nodeB.sync();

        // B: its own 1, and A's 3 from the failed sync and 2 since.
        assertThat(limiterB.peek(limit).remaining()).containsExactly(4);
    }

    private static void renameTable(String from, String to) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }
}
