package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;

/**
 * Two nodes on one real PostgreSQL database, both running the notice schedule: an unused token past
 * its policy's limit is revoked once (one audit event) and its owner's group gets one notice, however
 * the nodes' runs meet; while a third party holds the schedule's lock neither node runs it, and when
 * that holder's connection goes the next run does the work.
 */
@PostgresTest
class ScheduleAcrossNodesTest {

    private static final String SECRET = "whsec-cluster-0123456789";

    @TempDir
    Path dir;

    private PostgresFixture.TestDatabase db;
    private TestServer nodeA;
    private TestServer nodeB;
    private WebhookReceiver receiver;
    private String idle;

    @BeforeEach
    void twoNodesWithATokenUnusedPastItsLimit() throws Exception {
        db = PostgresFixture.start().createDatabase();
        // One pepper file for both: they check the same tokens.
        nodeA = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), Map.of());
        nodeB = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), Map.of());
        receiver = new WebhookReceiver(SECRET);
        nodeA.asAdmin(
                "PUT",
                "/.patgate/api/v1/notifications/targets/everyone",
                Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        assertThat(nodeA.asAdmin("PUT", "/.patgate/api/v1/policies/everyone", Map.of("revokeUnusedAfterDays", 10))
                        .status())
                .isEqualTo(200);
        nodeA.createUser("alice", "alice-password-123");
        TestServer.Answer created = nodeB.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                "alice-password-123",
                Map.of("name", "idle", "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        idle = created.json().get("id").asText();
        // Each node's clock started at its own start, seconds apart: an hour more puts both past the limit.
        nodeA.clock().advance(Duration.ofDays(10).plusHours(1));
        nodeB.clock().advance(Duration.ofDays(10).plusHours(1));
    }

    @AfterEach
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {nodeA, nodeB, receiver}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void nodesRacingTheScheduleRevokeTheUnusedTokenOnceAndSendOneNotice() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        // Two threads of their own: the common pool may have a single one on a small machine.
        ExecutorService twoNodes = Executors.newFixedThreadPool(2);
        for (int round = 0; round < 5; round++) {
            CompletableFuture<Boolean> onA = CompletableFuture.supplyAsync(
                    () -> {
                        await(together);
                        return nodeA.server().notifications().runScheduled();
                    },
                    twoNodes);
            CompletableFuture<Boolean> onB = CompletableFuture.supplyAsync(
                    () -> {
                        await(together);
                        return nodeB.server().notifications().runScheduled();
                    },
                    twoNodes);
            assertThat(List.of(onA.get(30, TimeUnit.SECONDS), onB.get(30, TimeUnit.SECONDS)))
                    .as("at least one node ran round " + round)
                    .contains(true);
        }
        CompletableFuture<Integer> sendA = CompletableFuture.supplyAsync(
                () -> nodeA.server().notifications().deliverDue());
        CompletableFuture<Integer> sendB = CompletableFuture.supplyAsync(
                () -> nodeB.server().notifications().deliverDue());
        sendA.get(30, TimeUnit.SECONDS);
        sendB.get(30, TimeUnit.SECONDS);
        twoNodes.shutdown();

        assertThat(status(idle)).isEqualTo("revoked");
        assertThat(systemRevocations()).isEqualTo(1);
        assertThat(receiver.awaitCalls(1)).hasSize(1);
        // Both nodes drain the outbox once more: nothing is left to send twice.
        nodeA.server().notifications().deliverDue();
        nodeB.server().notifications().deliverDue();
        assertThat(receiver.calls()).singleElement().satisfies(call -> {
            assertThat(call.event()).isEqualTo("token.revoked-unused");
            assertThat(call.body()).contains("\"id\":\"" + idle + "\"");
        });
    }

    @Test
    void whileAnotherHolderRunsTheScheduleNeitherNodeDoesAndItsLostConnectionFreesIt() throws Exception {
        try (Connection otherNode = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            try (PreparedStatement lock = otherNode.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                lock.setInt(1, ClusterJobs.LOCK_NAMESPACE);
                lock.setInt(2, ClusterJob.NOTICE_SCHEDULE.key());
                try (ResultSet taken = lock.executeQuery()) {
                    assertThat(taken.next() && taken.getBoolean(1)).isTrue();
                }
            }
            assertThat(nodeA.server().notifications().runScheduled()).isFalse();
            assertThat(nodeB.server().notifications().runScheduled()).isFalse();
            assertThat(status(idle)).isEqualTo("active");
            assertThat(systemRevocations()).isZero();
        }

        // The holder's session ends a moment after its connection closes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean ran = false;
        while (!ran && System.nanoTime() < deadline) {
            ran = nodeB.server().notifications().runScheduled();
            if (!ran) {
                Thread.sleep(20);
            }
        }
        assertThat(ran).as("node B ran the schedule once the holder was gone").isTrue();
        assertThat(status(idle)).isEqualTo("revoked");
        assertThat(systemRevocations()).isEqualTo(1);
    }

    private String status(String id) {
        return nodeA.asAdmin("GET", "/.patgate/api/v1/tokens/" + id, null)
                .json()
                .get("status")
                .asText();
    }

    private int systemRevocations() {
        return nodeB.asAdmin("GET", "/.patgate/api/v1/audit?actor=system&action=token.revoke", null)
                .json()
                .get("items")
                .size();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the other node's run did not start", e);
        }
    }
}
