package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier;

/**
 * The node registry and its heartbeat, seen through {@code GET /.patgate/api/v1/cluster}: two real
 * nodes on one database, each with its own clock moved by hand (the background heartbeat is set to
 * ten minutes, so only the beats a test asks for happen).
 */
class ClusterViewTest {

    private static final String CLUSTER = "/.patgate/api/v1/cluster";
    private static final Duration INTERVAL = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private TestServer node(String id) {
        return TestServer.start(
                dir.resolve(id),
                "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_CLUSTER_NODEID", id, "PATGATE_CLUSTER_HEARTBEATINTERVAL", "10m"));
    }

    private static Map<String, String> statuses(JsonNode view) {
        Map<String, String> statuses = new java.util.TreeMap<>();
        view.get("nodes")
                .forEach(node ->
                        statuses.put(node.get("id").asText(), node.get("status").asText()));
        return statuses;
    }

    @Test
    void twoNodesOnOneDatabaseSeeEachOtherUpAndSayWhichAnswered() {
        try (TestServer a = node("node-a");
                TestServer b = node("node-b")) {
            Answer fromA = a.asAdmin("GET", CLUSTER, null);
            Answer fromB = b.asAdmin("GET", CLUSTER, null);

            assertThat(fromA.status()).as(fromA.body()).isEqualTo(200);
            assertThat(statuses(fromA.json())).isEqualTo(Map.of("node-a", "up", "node-b", "up"));
            assertThat(fromA.json().get("answeredBy").asText()).isEqualTo("node-a");
            assertThat(fromB.json().get("answeredBy").asText()).isEqualTo("node-b");
            JsonNode self = fromA.json().get("nodes").get(0);
            assertThat(self.get("self").asBoolean()).isTrue();
            assertThat(self.get("address").asText()).isEqualTo(a.baseUri().toString());
            assertThat(self.get("version").asText()).isNotBlank();
            assertThat(fromA.json().get("nodes").get(1).get("self").asBoolean()).isFalse();
        }
    }

    @Test
    void aNodeThatStopsCleanlyLeavesTheView() {
        try (TestServer a = node("node-a")) {
            node("node-b").close();

            assertThat(statuses(a.asAdmin("GET", CLUSTER, null).json())).isEqualTo(Map.of("node-a", "up"));
        }
    }

    @Test
    void aSilentNodeShowsDegradedAfterTwoMissedHeartbeatsGoneAfterSixAndIsDeletedAfterADay() {
        try (TestServer a = node("node-a");
                TestServer b = node("node-b")) {
            // node-b stays silent (its clock and heartbeat stand still); node-a beats on its own clock.
            // Past two intervals by more than the seconds between the two nodes' starts.
            a.clock().advance(INTERVAL.multipliedBy(2).plusMinutes(1));
            assertThat(a.server().heartbeat().beat()).isTrue();
            assertThat(statuses(a.asAdmin("GET", CLUSTER, null).json()))
                    .isEqualTo(Map.of("node-a", "up", "node-b", "degraded"));

            a.clock().advance(INTERVAL.multipliedBy(4));
            a.server().heartbeat().beat();
            assertThat(statuses(a.asAdmin("GET", CLUSTER, null).json()))
                    .isEqualTo(Map.of("node-a", "up", "node-b", "gone"));

            a.clock().advance(Duration.ofDays(1));
            a.server().heartbeat().beat();
            assertThat(statuses(a.asAdmin("GET", CLUSTER, null).json())).isEqualTo(Map.of("node-a", "up"));

            // A node whose row was deleted while it lived registers again with its next heartbeat.
            b.clock().set(a.clock().instant());
            b.server().heartbeat().beat();
            assertThat(statuses(a.asAdmin("GET", CLUSTER, null).json()))
                    .isEqualTo(Map.of("node-a", "up", "node-b", "up"));
        }
    }

    @Test
    void theHeartbeatReportsTheNodesCachedTokens() {
        try (TestServer a = node("node-a")) {
            String token = aliceToken(a);
            a.server().verifier().verify(token);
            a.server().heartbeat().beat();

            JsonNode self = a.asAdmin("GET", CLUSTER, null).json().get("nodes").get(0);
            assertThat(self.get("tokenCacheEntries").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aNodeThatFailedOneReadTriesTheDatabaseAgainWithinASecondNotAfterItsInterval() throws Exception {
        try (TestServer a = node("node-a")) {
            // A real token this node has never checked: only the database can vouch for it.
            String unknown = aliceToken(a);
            // What the request path reports when one read fails (a blip, a pool timeout under load).
            a.server().databaseWatch().failed(new IllegalStateException("one read failed"));
            assertThat(use(a, unknown).status())
                    .as("while the node believes the database away, an unknown token fails closed")
                    .isEqualTo(503);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.server().databaseWatch().unreachable() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            assertThat(a.server().databaseWatch().unreachable())
                    .as("a heartbeat of ten minutes still probes a database it believes away every second")
                    .isFalse();
            assertThat(use(a, unknown).status()).isNotIn(401, 503);
            assertThat(a.server().verifier().verify(unknown)).isInstanceOf(TokenVerifier.Verification.Valid.class);
        }
    }

    /** A new token of a new user alice, made through the API (not yet checked by the gateway). */
    private static String aliceToken(TestServer node) {
        node.createUser("alice", "alice-password-123");
        return node.call(
                        "POST",
                        "/.patgate/api/v1/tokens",
                        "alice",
                        "alice-password-123",
                        Map.of("name", "ci", "scope", "read-only"))
                .json()
                .get("token")
                .asText();
    }

    private static Answer use(TestServer node, String token) {
        return node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null);
    }

    @Test
    void onlyAdminsSeeTheCluster() {
        try (TestServer a = node("node-a")) {
            a.createUser("alice", "alice-password-123");

            Answer answer = a.call("GET", CLUSTER, "alice", "alice-password-123", null);

            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
        }
    }

    @Test
    void withoutANodeIdANodeIsNamedByHostAndPort() {
        List<String> ids = new ArrayList<>();
        try (TestServer a = TestServer.start(
                dir.resolve("unnamed"), "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", Map.of())) {
            a.asAdmin("GET", CLUSTER, null)
                    .json()
                    .get("nodes")
                    .forEach(n -> ids.add(n.get("id").asText()));
            assertThat(ids).hasSize(1);
            assertThat(ids.getFirst()).endsWith(":" + a.server().port());
        }
    }
}
