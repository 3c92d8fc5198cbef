package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CuttableTcpProxy;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * The promise of docs/cluster.md "Database down", on a real PostgreSQL behind a relay the test cuts:
 * while the database is unreachable, tokens the node checked within {@code tokens.cacheTtl} +
 * {@code cluster.databaseGrace} keep working, tokens it never saw fail closed with 503 problem+json
 * (not 401), the management API answers 503 problem+json, health turns {@code DEGRADED} (503) after
 * the grace, and the activity of the outage is held and written when the database returns.
 *
 * <p>The heartbeat runs only when the test asks ({@code cluster.heartbeatInterval} 10m). A short
 * {@code database.connectionTimeout} makes each call against the cut database give up quickly. The token
 * cache ages on the monotonic clock, so the test waits out its one-second TTL for real; the health's
 * grace runs on the node's clock, moved by hand.
 */
@PostgresTest
class DatabaseDownTest {

    private static final Duration TTL = Duration.ofSeconds(1);
    // How long a query waits for a connection from the pool: each call against the cut database waits it out.
    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(1);
    // Several times the pool timeout: the checks made while the entry must still be served each may wait it out.
    private static final Duration GRACE = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    private CuttableTcpProxy proxy;
    private RecordingUpstream upstream;
    private TestServer node;

    @BeforeEach
    void startNodeBehindACuttableDatabase() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        proxy = new CuttableTcpProxy(PostgresFixture.start().port());
        upstream = new RecordingUpstream();
        node = TestServer.start(
                dir,
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name(),
                db.username(),
                db.password(),
                Map.of(
                        "PATGATE_UPSTREAM_URL",
                        upstream.url(),
                        "PATGATE_TOKENS_CACHETTL",
                        TTL.toSeconds() + "s",
                        "PATGATE_CLUSTER_DATABASEGRACE",
                        GRACE.toSeconds() + "s",
                        "PATGATE_CLUSTER_HEARTBEATINTERVAL",
                        "10m",
                        "PATGATE_DATABASE_CONNECTIONTIMEOUT",
                        POOL_TIMEOUT.toMillis() + "ms"));
        node.createUser("alice", "alice-password-123");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.restore();
        node.close();
        upstream.close();
        proxy.close();
    }

    private String token(String name) {
        Answer created = node.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                "alice-password-123",
                Map.of("name", name, "scope", "read-write"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    private String idOf(String name) {
        JsonNode items = node.call("GET", "/.patgate/api/v1/tokens", "alice", "alice-password-123", null)
                .json()
                .get("items");
        for (JsonNode item : items) {
            if (item.get("name").asText().equals(name)) {
                return item.get("id").asText();
            }
        }
        throw new AssertionError("no token named " + name);
    }

    private Answer use(String token) {
        return node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null);
    }

    @Test
    void knownTokensKeepWorkingUnknownOnesFailClosedWith503AndActivityIsWrittenWhenTheDatabaseReturns()
            throws Exception {
        String seen = token("seen-before");
        String neverSeen = token("never-seen");
        String seenId = idOf("seen-before");
        assertThat(use(seen).status()).isEqualTo(200);
        long loaded = System.nanoTime();
        // The use before the cut is written (the event may be recorded just after the answer is sent).
        long written = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (node.server().activity().written() < 1 && System.nanoTime() < written) {
            node.server().activity().flush();
            Thread.sleep(20);
        }
        assertThat(node.server().activity().written()).isEqualTo(1);

        proxy.cut();
        assertThat(node.server().heartbeat().beat())
                .as("the heartbeat finds the database gone")
                .isFalse();

        // Cached: still forwarded, also once the TTL has passed (reloads fail, the entry stays).
        assertThat(use(seen).status()).isEqualTo(200);
        awaitNanos(loaded + TTL.toNanos() + 100_000_000L);
        Answer stale = use(seen);
        assertThat(stale.status()).as(stale.body()).isEqualTo(200);

        // Never seen by this node: fail closed, 503 not 401, and the token is not echoed.
        Answer unknown = use(neverSeen);
        assertThat(unknown.status()).isEqualTo(503);
        assertThat(unknown.contentType()).isEqualTo("application/problem+json");
        assertThat(unknown.body()).doesNotContain(neverSeen);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).isEmpty();

        // The management API answers at once with 503 problem+json.
        long asked = System.nanoTime();
        Answer api = node.call("GET", "/.patgate/api/v1/tokens", "alice", "alice-password-123", null);
        assertThat(api.status()).isEqualTo(503);
        assertThat(api.contentType()).isEqualTo("application/problem+json");
        assertThat(api.json().get("type").asText()).isEqualTo("/.patgate/problems/database-unavailable");
        assertThat(api.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));

        // Health: UP within the grace (the node serves what it knows), DEGRADED (503) after it.
        Answer health = node.raw("GET", "/.patgate/health", Map.of(), null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("database").get("status").asText()).isEqualTo("DOWN");
        node.clock().advance(GRACE.plusSeconds(1));
        Answer degraded = node.raw("GET", "/.patgate/health", Map.of(), null);
        assertThat(degraded.status()).isEqualTo(503);
        assertThat(degraded.json().get("status").asText()).isEqualTo("DEGRADED");
        assertThat(degraded.json().get("reason").asText()).contains("cluster.databaseGrace");
        String metrics = node.raw("GET", "/.patgate/metrics", Map.of(), null).body();
        Matcher unreachable = Pattern.compile("(?m)^patgate_database_unreachable_seconds(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertThat(unreachable.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(unreachable.group(1))).isGreaterThan(GRACE.toSeconds());

        // The outage's activity is held, not dropped (the writer finds out when the pool gives up).
        node.server().activity().flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (waiting() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(waiting()).isEqualTo(2);
        assertThat(node.server().activity().dropped()).isZero();

        // Past TTL + grace the entry goes: fail closed like any token the node cannot check.
        awaitNanos(loaded + TTL.plus(GRACE).toNanos() + 100_000_000L);
        assertThat(use(seen).status()).isEqualTo(503);

        proxy.restore();
        // The pool retries its connections with a back-off of up to a few seconds, longer than the short
        // connection timeout: a beat may fail until the pool has its first connection again.
        long back = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean beat = node.server().heartbeat().beat();
        while (!beat && System.nanoTime() < back) {
            beat = node.server().heartbeat().beat();
        }
        assertThat(beat).as("the heartbeat finds the database back").isTrue();
        Answer healthy = node.raw("GET", "/.patgate/health", Map.of(), null);
        assertThat(healthy.status()).isEqualTo(200);
        assertThat(healthy.json().get("status").asText()).isEqualTo("UP");
        assertThat(use(seen).status()).isEqualTo(200);
        assertThat(use(neverSeen).status()).isEqualTo(200);

        node.server().activity().flush();
        JsonNode activity = node.call(
                        "GET", "/.patgate/api/v1/tokens/" + seenId + "/activity", "alice", "alice-password-123", null)
                .json();
        // Before the cut, twice during it, once after: all four forwarded requests are there.
        assertThat(activity.get("items")).hasSize(4);
        assertThat(node.server().activity().dropped()).isZero();
    }

    /** Activity events held for the database plus those queued behind them. */
    private long waiting() {
        return node.server().activity().held() + node.server().activity().queued();
    }

    /** Waits until {@link System#nanoTime()} passes {@code deadline}: the token cache's own clock. */
    private static void awaitNanos(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }
}
