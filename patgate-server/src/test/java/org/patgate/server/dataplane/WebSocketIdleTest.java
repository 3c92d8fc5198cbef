package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.WebSocketUpstream;

/**
 * An open WebSocket on which nothing moves either way for {@code upstream.readTimeout} is closed on
 * both sides: the upstream's connection ends and the client learns its WebSocket is gone.
 */
class WebSocketIdleTest {

    private static WebSocketUpstream upstream;
    private static DataPlaneNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = new WebSocketUpstream();
        node = new DataPlaneNode(upstream.url(), Map.of("PATGATE_UPSTREAM_READTIMEOUT", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    @Test
    void anIdleWebSocketIsClosedOnBothSides() throws Exception {
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + node.token(Scope.READ_WRITE))
                .buildAsync(URI.create("ws://127.0.0.1:" + node.base().getPort() + "/rest/live/socket"), received)
                .get(20, TimeUnit.SECONDS);
        socket.sendText("then silence", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("then silence");

        // Nothing more is sent: the tunnel closes both connections (no close frame, so the client sees
        // the connection end as an error or an abnormal close).
        assertThat(upstream.awaitClosed(upstream.received().getLast(), 30)).isTrue();
        Integer status;
        try {
            status = received.closed.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            status = null; // the connection ended under the client
        }
        assertThat(status).isNotEqualTo(WebSocket.NORMAL_CLOSURE);
    }
}
