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
import org.patgate.server.testing.TestServer.Answer;

/**
 * A WebSocket carries writes PATgate does not look into, so opening one with a token needs what a
 * write needs: read-only tokens and tokens whose rules allow only reads there are refused with 403
 * (nothing reaches the upstream), in any spelling of the upgrade; read-write tokens go through.
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
    void aReadWriteTokenGoesThrough() {
        gw.upstream.clear();
        RawHttp.RawAnswer answer = upgrade(gw.readWrite(), "websocket", "Upgrade");
        assertThat(answer.status()).isNotEqualTo(403).isNotEqualTo(401);
        assertThat(gw.upstream.received()).hasSize(1);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
    }
}
