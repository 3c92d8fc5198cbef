package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Rate limits at the gateway over loopback sockets, on the data plane the run selects: a token over
 * its limit gets {@code 429} problem+json with {@code Retry-After} and the {@code RateLimit-Policy} /
 * {@code RateLimit} fields, which every answer to a limited token carries (forwarded ones, over HTTP/1.1
 * and HTTP/2, and {@code /.patgate/check}); other tokens and other users are unaffected; the bucket
 * refills as the server's clock moves; each request counts once.
 */
@EndToEndTest
class RateLimitGatewayTest {

    static final String API = "/.patgate/api/v1";
    static final String ME = "/rest/api/2/myself";
    static final String BOB_PASSWORD = "bob-password-123";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .user("bob", BOB_PASSWORD)
            .build();

    /** A new read-write token of alice's, limited by an admin as {@code limit}; answers {id, token}. */
    static JsonNode limitedToken(Map<String, Object> limit) {
        JsonNode token = gw.server.createToken(
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of("name", "limited-" + System.nanoTime(), "scope", "read-write"));
        Answer set = gw.server.asAdmin("PUT", API + "/tokens/" + token.get("id").asText() + "/rate-limit", limit);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        return token;
    }

    @Test
    void tokenOverItsLimitGets429WithRetryAfterAndTheRateLimitFields() {
        String token = limitedToken(Map.of("perMinute", 3)).get("token").asText();

        for (int left = 2; left >= 0; left--) {
            Answer allowed = gw.bearer("GET", ME, token);
            assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=3;w=60");
            assertThat(allowed.headers().firstValue("RateLimit"))
                    .hasValue("\"per-minute\";r=" + left + ";t=" + 20 * (3 - left));
        }
        int forwarded = gw.upstream.received().size();

        Answer refused = gw.bearer("GET", ME, token);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.json().path("detail").asText())
                .contains("3 requests per minute, set by the token")
                .doesNotContain(token);
        assertThat(refused.json().path("type").asText()).endsWith("rate-limited");
        // Greedy refill: one request comes back every 60/3 = 20 seconds.
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=3;w=60");
        assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=0;t=60");
        assertThat(gw.upstream.received())
                .as("a refused request never reaches the upstream")
                .hasSize(forwarded);
    }

    @Test
    void otherTokensAndOtherUsersAreUnaffectedAndTheBucketRefillsAsTheClockMoves() {
        String token = limitedToken(Map.of("perMinute", 1)).get("token").asText();
        String bobs = gw.server
                .createToken("bob", BOB_PASSWORD, Map.of("name", "bobs", "scope", "read-write"))
                .get("token")
                .asText();
        assertThat(gw.bearer("GET", ME, token).status()).isEqualTo(200);
        assertThat(gw.bearer("GET", ME, token).status()).isEqualTo(429);

        Answer other = gw.bearer("GET", ME, gw.readWrite());
        Answer bob = gw.bearer("GET", ME, bobs);

        assertThat(other.status()).isEqualTo(200);
        assertThat(other.headers().firstValue("RateLimit"))
                .as("an unlimited token")
                .isEmpty();
        assertThat(bob.status()).isEqualTo(200);

        gw.server.clock().advance(Duration.ofSeconds(59));
        assertThat(gw.bearer("GET", ME, token).status()).isEqualTo(429);
        gw.server.clock().advance(Duration.ofSeconds(1));
        Answer refilled = gw.bearer("GET", ME, token);
        assertThat(refilled.status()).isEqualTo(200);
        assertThat(refilled.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=0;t=60");
    }

    @Test
    void burstAndPerSecondAndPerDayWindowsAreAllCounted() {
        String token = limitedToken(Map.of("perSecond", 2, "burst", 4, "perDay", 5))
                .get("token")
                .asText();

        for (int i = 0; i < 4; i++) {
            assertThat(gw.bearer("GET", ME, token).status())
                    .as("request %d of the burst", i)
                    .isEqualTo(200);
        }
        Answer overBurst = gw.bearer("GET", ME, token);
        assertThat(overBurst.status()).isEqualTo(429);
        assertThat(overBurst.json().path("detail").asText()).contains("2 requests per second (burst 4)");
        assertThat(overBurst.headers().firstValue("RateLimit-Policy"))
                .hasValue("\"per-second\";q=2;w=1, \"per-day\";q=5;w=86400");

        gw.server.clock().advance(Duration.ofSeconds(10));
        assertThat(gw.bearer("GET", ME, token).status()).isEqualTo(200);
        Answer overDay = gw.bearer("GET", ME, token);
        assertThat(overDay.status()).isEqualTo(429);
        assertThat(overDay.json().path("detail").asText()).contains("5 requests per day, set by the token");
    }

    @Test
    void http2ForwardedAnswersCarryTheFieldsToo() {
        String token = limitedToken(Map.of("perMinute", 10)).get("token").asText();

        RawHttp2.Answer answer = RawHttp2.send(gw.base(), "GET", ME, Map.of("Authorization", "Bearer " + token), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().get("RateLimit-Policy")).isEqualTo("\"per-minute\";q=10;w=60");
        assertThat(answer.headers().get("RateLimit")).isEqualTo("\"per-minute\";r=9;t=6");
    }

    @Test
    void theFirstRequestOfAnUncachedTokenCountsOnce() {
        // Setting the limit forgets the cached token: the next request is decided from memory, misses,
        // and is decided again where the store may be read. Only that second decision counts.
        String token = limitedToken(Map.of("perMinute", 5)).get("token").asText();

        Answer first = gw.bearer("GET", ME, token);

        assertThat(first.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=4;t=12");
    }

    @Test
    void theCheckEndpointAnswers429WithTheFields() {
        String token = limitedToken(Map.of("perMinute", 1)).get("token").asText();
        Map<String, String> check = new LinkedHashMap<>();
        check.put("X-Original-Method", "GET");
        check.put("X-Original-URI", ME);
        check.put("Authorization", "Bearer " + token);

        Answer allowed = gw.send("GET", ExternalCheck.PATH, check, null);
        Answer refused = gw.send("GET", ExternalCheck.PATH, check, null);

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=0;t=60");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=1;w=60");
        assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=0;t=60");
    }
}
