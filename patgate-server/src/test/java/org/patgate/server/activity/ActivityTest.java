package org.patgate.server.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.store.ActivityRepository;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;

/** Token activity: recorded off the request path, shown by the API, bounded per token, losses counted. */
@EndToEndTest
class ActivityTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of("PATGATE_ACTIVITY_RECENTREQUESTS", "3"))
            .build();

    private static JsonNode activity() {
        return activityOf(gw.readWriteId());
    }

    /**
     * The token's activity once the newest recorded request has been written. The gateway records
     * a request when its response completes, which can be just after the client has read it, so
     * this waits (boundedly) for the recorder to have seen {@code expected} events in all.
     */
    private static JsonNode activityOf(String tokenId) {
        // Wait first, read after: a read taken before the newest event was written, with the check
        // passing just after it, returned a page without that event.
        long deadline = System.nanoTime() + 5_000_000_000L;
        gw.server.server().activity().flush();
        while (!expectedSeen() && System.nanoTime() < deadline) {
            sleepBriefly(); // the gateway records a request when its response completes
            gw.server.server().activity().flush();
        }
        return gw.server
                .call(
                        "GET",
                        "/.patgate/api/v1/tokens/" + tokenId + "/activity",
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        null)
                .json();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long expected;

    private static void sent(int requests) {
        expected += requests;
    }

    private static boolean expectedSeen() {
        var recorder = gw.server.server().activity();
        return recorder.written() + recorder.dropped() >= expected;
    }

    @Test
    void requestsWithATokenAppearInItsActivityWithoutQueryOrSecret() {
        var answer = gw.send(
                "GET",
                "/rest/api/2/issue/DEMO-7?fields=summary",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "User-Agent", "nightly-report/1.0"),
                null);
        assertThat(answer.status()).isEqualTo(200);
        sent(1);

        JsonNode activity = activity();
        assertThat(activity.get("items"))
                .as(activity.toString() + " dropped="
                        + gw.server.server().activity().dropped() + " written="
                        + gw.server.server().activity().written())
                .isNotEmpty();

        JsonNode newest = activity.get("items").get(0);
        assertThat(newest.get("method").asText()).isEqualTo("GET");
        assertThat(newest.get("path").asText()).isEqualTo("/rest/api/2/issue/DEMO-7");
        assertThat(newest.get("status").asInt()).isEqualTo(200);
        assertThat(newest.get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(newest.get("userAgent").asText()).isEqualTo("nightly-report/1.0");
        assertThat(newest.get("latencyMs").asDouble()).isPositive();
        assertThat(activity.get("lastUsedIp").asText()).isEqualTo("127.0.0.1");
        assertThat(activity.get("lastUsedAgent").asText()).isEqualTo("nightly-report/1.0");
        assertThat(Instant.parse(activity.get("lastUsedAt").asText()))
                .isAfter(Instant.now().minusSeconds(600));
        assertThat(activity.toString()).doesNotContain(gw.readWrite()).doesNotContain("fields=summary");
    }

    @Test
    void refusedRequestsOfAKnownTokenAreRecordedWithTheirStatus() {
        String roId = null;
        for (JsonNode t : gw.server
                .call("GET", "/.patgate/api/v1/tokens?size=100", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json()
                .get("items")) {
            if (gw.readOnly().endsWith(t.get("hint").asText().substring(1))) {
                roId = t.get("id").asText();
            }
        }
        assertThat(gw.bearer("DELETE", "/rest/api/2/issue/DEMO-8", gw.readOnly())
                        .status())
                .isEqualTo(403);
        sent(1);

        JsonNode items = activityOf(roId).get("items");
        assertThat(items).as("activity of " + roId).isNotEmpty();

        assertThat(items.get(0).get("method").asText()).isEqualTo("DELETE");
        assertThat(items.get(0).get("status").asInt()).isEqualTo(403);
    }

    @Test
    void onlyTheNewestRequestsAreKeptPerToken() {
        for (int i = 0; i < 6; i++) {
            gw.bearer("GET", "/rest/api/2/issue/KEEP-" + i, gw.readWrite());
            gw.server.clock().advance(Duration.ofMillis(1));
        }
        sent(6);

        JsonNode items = activity().get("items");

        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("path").asText()).isEqualTo("/rest/api/2/issue/KEEP-5");
        assertThat(items.get(2).get("path").asText()).isEqualTo("/rest/api/2/issue/KEEP-3");
    }

    @Test
    void hourlyCountersCountEveryRequestThoughOnlyTheNewestAreKept() {
        String token = gw.createToken("read-only", List.of());
        String tokenId = gw.server.server().verifier().verify(token)
                        instanceof org.patgate.server.token.TokenVerifier.Verification.Valid v
                ? v.token().id()
                : null;
        for (int i = 0; i < 5; i++) {
            assertThat(gw.bearer("GET", "/rest/api/2/issue/COUNT-" + i, token).status())
                    .isEqualTo(200);
        }
        assertThat(gw.bearer("DELETE", "/rest/api/2/issue/COUNT-1", token).status())
                .isEqualTo(403);
        assertThat(gw.bearer("POST", "/rest/api/2/issue", token).status()).isEqualTo(403);
        sent(7);
        activityOf(tokenId);

        Instant now = gw.server.clock().instant();
        JsonNode usage = gw.server
                .call(
                        "GET",
                        "/.patgate/api/v1/tokens/" + tokenId + "/usage?hours=3",
                        "alice",
                        RunningGateway.ALICE_PASSWORD,
                        null)
                .json();

        assertThat(activityOf(tokenId).get("items")).as("rows kept").hasSize(3);
        JsonNode items = usage.get("items");
        assertThat(items).as(usage.toString()).hasSize(3);
        JsonNode current = items.get(2);
        assertThat(Instant.parse(current.get("hour").asText())).isEqualTo(now.truncatedTo(ChronoUnit.HOURS));
        assertThat(current.get("requests").asLong()).as("every request counted").isEqualTo(7);
        assertThat(current.get("failed").asLong()).isEqualTo(2);
        assertThat(items.get(0).get("requests").asLong()).isZero();
        assertThat(gw.server
                        .call(
                                "GET",
                                "/.patgate/api/v1/tokens/" + tokenId + "/usage?hours=0",
                                "alice",
                                RunningGateway.ALICE_PASSWORD,
                                null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        ActivityRepository store = gw.server.server().database().activity();
        String token = gw.createToken("read-write", List.of());
        String tokenId = gw.server.server().verifier().verify(token)
                        instanceof org.patgate.server.token.TokenVerifier.Verification.Valid v
                ? v.token().id()
                : null;
        try (ActivityRecorder recorder = new ActivityRecorder(
                gw.server.server().database().tokens(),
                store,
                gw.server.server().database().usage(),
                Clock.systemUTC(),
                100,
                Duration.ofMinutes(10),
                3)) {
            long started = System.nanoTime();
            for (int i = 0; i < 5_000; i++) {
                recorder.record(
                        new TokenUseEvent(tokenId, Instant.now(), "GET", "/rest/x", 200, 10, "127.0.0.1", null));
            }
            long micros = (System.nanoTime() - started) / 1_000;
            recorder.flush();

            assertThat(recorder.dropped()).isGreaterThanOrEqualTo(4_000);
            assertThat(recorder.dropped() + recorder.written()).isEqualTo(5_000);
            assertThat(micros).as("recording never waits for the database").isLessThan(5_000_000);
        }
    }

    @Test
    void healthShowsActivityCounters() {
        JsonNode health = gw.send("GET", "/.patgate/health", Map.of(), null).json();

        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("activity").has("dropped")).isTrue();
        assertThat(health.get("activity").has("written")).isTrue();
    }
}
