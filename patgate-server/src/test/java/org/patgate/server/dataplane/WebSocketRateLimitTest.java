package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.gateway.OpenUpgrades;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.testing.WebSocketUpstream;

/**
 * An open WebSocket is decided again every second and whenever a token is invalidated, but only its
 * upgrade request counts against the token's rate limit: with two requests a minute, a socket kept open
 * across many decisions leaves exactly one for the next request, and the one after is refused.
 */
@EndToEndTest
class WebSocketRateLimitTest {

    private static final String API = "/.patgate/api/v1";
    private static final WebSocketUpstream upstream = new WebSocketUpstream();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .env("PATGATE_UPSTREAM_URL", upstream.url())
            .env("PATGATE_LISTEN_DATAPLANE", "netty")
            .build();

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    private static JsonNode token(String name) {
        return server.createToken(
                RunningServer.ADMIN, RunningServer.ADMIN_PASSWORD, Map.of("name", name, "scope", "read-write"));
    }

    private static WebSocketRelayTest.Received open(String token) throws Exception {
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.baseUri().getPort() + "/rest/live/socket"), received)
                .get(20, TimeUnit.SECONDS);
        socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("hello");
        return received;
    }

    @Test
    void decidingAnOpenWebSocketAgainCountsNothing() throws Exception {
        JsonNode limited = token("two a minute");
        Answer set = server.asAdmin(
                "PUT", API + "/tokens/" + limited.get("id").asText() + "/rate-limit", Map.of("perMinute", 2));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        String secret = limited.get("token").asText();
        WebSocketRelayTest.Received first = open(secret);

        // Decisions at once (another token revoked) and on the schedule (a few periods pass).
        for (int i = 0; i < 3; i++) {
            String other = token("revoked meanwhile " + i).get("id").asText();
            assertThat(server.asAdmin("DELETE", API + "/tokens/" + other, null).status())
                    .isEqualTo(204);
            Thread.sleep(OpenUpgrades.EVERY.toMillis());
        }

        assertThat(first.closed)
                .as("still allowed: its decisions counted nothing")
                .isNotDone();
        open(secret); // the second and last request of the minute
        Answer third = server.raw("GET", "/rest/live/socket", Map.of("Authorization", "Bearer " + secret), null);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=0;t=60");
    }
}
