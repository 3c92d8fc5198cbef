package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * A WebSocket carries writes PATgate does not look into, so opening one with a token needs what a
 * write needs: read-only tokens and tokens whose rules allow only reads there are refused with 403
 * (nothing reaches the upstream), in any spelling of the upgrade; read-write tokens go through on the
 * Netty data plane, and get a clear {@code 501} on Jetty's, which cannot relay a WebSocket.
 */
@EndToEndTest
class WebSocketUpgradeTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static String getOnly;

    @BeforeAll
    static void tokens() {
        Answer created = gw.server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of(
                        "name",
                        "reads /rest/live only",
                        "scope",
                        "read-write",
                        "rules",
                        Map.of("allow", List.of(Map.of("methods", List.of("GET"), "path", "/rest/live/**")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        getOnly = created.json().get("token").asText();
    }

    private static RawHttp.RawAnswer upgrade(String token, String upgrade, String connection) {
        return RawHttp.send(
                gw.base(),
                "GET /rest/live/socket HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + token + "\r\nUpgrade: "
                        + upgrade + "\r\nConnection: " + connection
                        + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }

    @Test
    void aReadOnlyTokenCannotOpenAWebSocketInAnySpelling() {
        for (String spelling : List.of("websocket", "WebSocket", "WEBSOCKET", "h2c, websocket")) {
            gw.upstream.clear();
            RawHttp.RawAnswer answer = upgrade(gw.readOnly(), spelling, "Upgrade");
            assertThat(answer.status()).as(spelling).isEqualTo(403);
            assertThat(answer.text()).as(spelling).contains("read-only token cannot open a WebSocket");
            assertThat(gw.upstream.received()).as(spelling).isEmpty();
        }
    }

    @Test
    void aTokenWhoseRulesAllowOnlyReadsThereCannotOpenOne() {
        gw.upstream.clear();
        RawHttp.RawAnswer answer = upgrade(getOnly, "websocket", "keep-alive, Upgrade");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).contains("opening a WebSocket needs what a write needs");
        assertThat(gw.upstream.received()).isEmpty();

        // The same token still reads there.
        assertThat(gw.bearer("GET", "/rest/live/socket", getOnly).status()).isEqualTo(200);
    }

    @Test
    void aReadWriteTokenGoesThroughOnTheNettyPlaneAndIsAnswered501OnJettys() {
        gw.upstream.clear();
        RawHttp.RawAnswer answer = upgrade(gw.readWrite(), "websocket", "Upgrade");
        if (TestServer.DATA_PLANE.equals("netty")) {
            // The upgrade goes on as one (this upstream does not switch, so its answer comes back).
            assertThat(answer.status()).isNotEqualTo(403).isNotEqualTo(401).isNotEqualTo(501);
            assertThat(gw.upstream.received()).hasSize(1);
            assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
            assertThat(gw.upstream.last().header("Upgrade")).containsExactly("websocket");
        } else {
            // Jetty's proxy cannot relay a WebSocket: a clear answer, and nothing reaches the upstream.
            assertThat(answer.status()).isEqualTo(501);
            assertThat(answer.text())
                    .contains("application/problem+json")
                    .contains("relaying a WebSocket needs listen.dataPlane: netty");
            assertThat(gw.upstream.received()).isEmpty();
        }
    }
}
