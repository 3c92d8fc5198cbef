package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.WebSocketUpstream;

/**
 * A WebSocket ({@code wss://}) through the Netty data plane terminating TLS on the listener
 * ({@code listen.tls.*}): the tunnel relays the decrypted bytes to a cleartext upstream and back, both
 * ways, large messages included, and the close handshake and a vanishing client end it as without TLS;
 * a revoked token's WebSocket gets its close frame 1008 through TLS too.
 */
class WebSocketOverTlsTest {

    private static Path dir;
    private static WebSocketUpstream upstream;
    private static DataPlaneNode node;
    private static HttpClient client;
    private static String readWrite;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("patgate-wss");
        TestCertificates ca = TestCertificates.authority("PATgate test CA");
        TestCertificates.Issued leaf = ca.issue("localhost", TestCertificates.Algorithm.EC);
        Path chain = TestCertificates.writeCertificates(dir.resolve("chain.pem"), leaf.chain());
        Path key = TestCertificates.writePkcs8(dir.resolve("key.pem"), leaf.privateKey());
        upstream = new WebSocketUpstream();
        node = new DataPlaneNode(
                upstream.url(),
                Map.of("PATGATE_LISTEN_TLS_CERTIFICATE", chain.toString(), "PATGATE_LISTEN_TLS_KEY", key.toString()));
        readWrite = node.token(Scope.READ_WRITE);
        SSLContext context = ca.trustingContext();
        client = HttpClient.newBuilder()
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            node.close();
            upstream.close();
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    private static WebSocket open(WebSocketRelayTest.Received listener) throws Exception {
        return client.newWebSocketBuilder()
                .header("Authorization", "Bearer " + readWrite)
                .buildAsync(URI.create("wss://127.0.0.1:" + node.base().getPort() + "/rest/live/socket"), listener)
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void messagesEchoBothWaysOverTlsAndTheCloseHandshakePasses() throws Exception {
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        WebSocket socket = open(received);

        socket.sendText("hello over TLS", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("hello over TLS");
        byte[] large = new byte[1 << 20];
        new Random(6455).nextBytes(large);
        socket.sendBinary(ByteBuffer.wrap(large), true).get(20, TimeUnit.SECONDS);
        assertThat((byte[]) received.next()).isEqualTo(large);

        WebSocketUpstream.Head upgrade = upstream.received().getLast();
        assertThat(upgrade.header("X-Forwarded-Proto")).containsExactly("https");
        assertThat(upgrade.header("Authorization")).isEmpty();

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertThat(received.closed.get(20, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        assertThat(upstream.awaitClosed(upgrade, 20)).isTrue();
    }

    @Test
    void aRevokedTokensWebSocketGetsTheCloseFrameOverTlsAndTheUpstreamSideCloses() throws Exception {
        String doomed = node.token(Scope.READ_WRITE);
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        client.newWebSocketBuilder()
                .header("Authorization", "Bearer " + doomed)
                .buildAsync(URI.create("wss://127.0.0.1:" + node.base().getPort() + "/rest/live/socket"), received)
                .get(20, TimeUnit.SECONDS)
                .sendText("before the revocation", true)
                .get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("before the revocation");
        WebSocketUpstream.Head upgrade = upstream.received().getLast();
        WebSocketRelayTest.Received other = new WebSocketRelayTest.Received();
        WebSocket kept = open(other);

        node.revoke(doomed);

        assertThat(received.closed.get(20, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(upstream.awaitClosed(upgrade, 20)).isTrue();
        kept.sendText("another token's stays", true).get(10, TimeUnit.SECONDS);
        assertThat(other.next()).isEqualTo("another token's stays");
        kept.abort();
    }

    @Test
    void aClientThatGoesAwayClosesTheUpstreamSide() throws Exception {
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        WebSocket socket = open(received);
        socket.sendText("still here", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("still here");

        socket.abort();

        assertThat(upstream.awaitClosed(upstream.received().getLast(), 20)).isTrue();
    }
}
