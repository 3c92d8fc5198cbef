package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Two gateway nodes on one real PostgreSQL share a token's rate limit: what one node let through is
 * taken from the other's bucket within a few sync intervals, so the token gets {@code 429} there too.
 */
@EndToEndTest
@PostgresTest
class ClusterRateLimitTest {

    static final String SELF = "/.patgate/api/v1/self";

    @TempDir
    Path dir;

    @Test
    void whatOneNodeLetThroughIsCountedOnTheOther() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        // No upstream listens here: a request let through answers 502, and is counted like any other.
        Map<String, String> env = Map.of("PATGATE_UPSTREAM_URL", "http://127.0.0.1:9");
        try (TestServer a = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), env);
                TestServer b = TestServer.start(dir, db.jdbcUrl(), db.username(), db.password(), env)) {
            a.createUser("carol", "carol-password-1");
            JsonNode created = a.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "carol",
                            "carol-password-1",
                            Map.of("name", "shared", "scope", "read-only"))
                    .json();
            String token = created.get("token").asText();
            Answer limited = a.asAdmin(
                    "PUT",
                    "/.patgate/api/v1/tokens/" + created.get("id").asText() + "/rate-limit",
                    Map.of("perDay", 5));
            assertThat(limited.status()).as(limited.body()).isEqualTo(200);
            assertThat(remainingOn(b, token)).isEqualTo(5);

            for (int i = 0; i < 4; i++) {
                assertThat(bearer(a, token).status()).isNotEqualTo(429);
            }

            // B learns of A's four within a few one-second syncs; looking at /self counts nothing.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (remainingOn(b, token) != 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(remainingOn(b, token)).isEqualTo(1);
            assertThat(bearer(b, token).status()).isNotEqualTo(429);
            Answer refused = bearer(b, token);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("\"per-day\";r=0;"));
        }
    }

    private static Answer bearer(TestServer node, String token) {
        return node.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null);
    }

    private static long remainingOn(TestServer node, String token) {
        Answer self = node.raw("GET", SELF, Map.of("Authorization", "Bearer " + token), null);
        assertThat(self.status()).as(self.body()).isEqualTo(200);
        return self.json()
                .path("rateLimitRemaining")
                .path("per-day")
                .path("remaining")
                .asLong();
    }
}
