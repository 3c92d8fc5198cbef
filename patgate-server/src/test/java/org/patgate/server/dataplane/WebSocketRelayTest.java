package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.WebSocketUpstream;

/**
 * WebSockets through the Netty data plane, with a real client ({@code java.net.http.WebSocket}) and a
 * real WebSocket upstream: after the upstream's {@code 101} both connections relay messages both ways
 * untouched; the upgrade itself passes the gate's checks (token, write rights) and the upstream sees
 * the identity, never the token; only {@code websocket} upgrades reach the upstream as upgrades; an
 * upstream that refuses the switch is answered as any answer and its connection is not reused; a
 * client that goes away closes the upstream side.
 */
class WebSocketRelayTest {

    private static WebSocketUpstream upstream;
    private static DataPlaneNode node;
    private static String readWrite;
    private static String readOnly;
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new WebSocketUpstream();
        node = new DataPlaneNode(upstream.url(), Map.of());
        readWrite = node.token(Scope.READ_WRITE);
        readOnly = node.token(Scope.READ_ONLY);
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.refuseWith(0);
        upstream.clear();
    }

    /** What the client's WebSocket received: whole messages, and the server's close status. */
    static final class Received implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] piece = new byte[data.remaining()];
            data.get(piece);
            binary.writeBytes(piece);
            if (last) {
                messages.add(binary.toByteArray());
                binary = new ByteArrayOutputStream();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(20, TimeUnit.SECONDS);
            assertThat(message).as("a message within the bound").isNotNull();
            return message;
        }
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + node.base().getPort() + path);
    }

    private static WebSocket open(String token, Received listener) throws Exception {
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.buildAsync(ws("/rest/live/socket"), listener).get(20, TimeUnit.SECONDS);
    }

    private static int refusedStatus(String token) {
        Throwable failure = null;
        try {
            open(token, new Received()).abort();
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse().statusCode();
    }

    @Test
    void messagesEchoBothWaysThroughTheTunnel() throws Exception {
        Received received = new Received();
        WebSocket socket = open(readWrite, received);

        socket.sendText("hello through the gate", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("hello through the gate");

        byte[] large = new byte[1 << 20];
        new Random(13).nextBytes(large);
        socket.sendBinary(ByteBuffer.wrap(large), true).get(20, TimeUnit.SECONDS);
        assertThat((byte[]) received.next()).isEqualTo(large);

        socket.sendText("and again", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("and again");
        assertThat(upstream.texts()).containsExactly("hello through the gate", "and again");

        // The close handshake passes both ways, then the upstream side closes.
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertThat(received.closed.get(20, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        assertThat(upstream.awaitClosed(upstream.received().getLast(), 20)).isTrue();
    }

    @Test
    void theUpstreamSeesTheUpgradeWithTheIdentityAndNoToken() throws Exception {
        WebSocket socket = open(readWrite, new Received());
        socket.abort();

        assertThat(upstream.received()).hasSize(1);
        WebSocketUpstream.Head upgrade = upstream.received().getFirst();
        assertThat(upgrade.method()).isEqualTo("GET");
        assertThat(upgrade.uri()).isEqualTo("/rest/live/socket");
        assertThat(upgrade.header("Upgrade")).containsExactly("websocket");
        assertThat(upgrade.header("Connection")).containsExactly("Upgrade");
        assertThat(upgrade.header("Sec-WebSocket-Key")).hasSize(1);
        assertThat(upgrade.header("Sec-WebSocket-Version")).containsExactly("13");
        assertThat(upgrade.header("X-Forwarded-User")).containsExactly("admin");
        assertThat(upgrade.header("Authorization")).isEmpty();
        assertThat(upgrade.headers().toString()).doesNotContain(readWrite);
    }

    @Test
    void aReadOnlyTokenIsRefusedAndNothingReachesTheUpstream() {
        assertThat(refusedStatus(readOnly)).isEqualTo(403);
        assertThat(refusedStatus(null)).isEqualTo(401);
        assertThat(refusedStatus("not-a-token")).isEqualTo(401);
        assertThat(upstream.received()).isEmpty();
        assertThat(upstream.texts()).isEmpty();
    }

    @Test
    void anUpstreamThatRefusesTheSwitchIsAnsweredAsAnyAnswerAndItsConnectionIsNotReused() throws Exception {
        java.util.Set<Integer> refusedOn = new java.util.HashSet<>();
        for (int status : new int[] {403, 200}) {
            upstream.refuseWith(status);
            upstream.clear();
            RawHttp.RawAnswer answer = RawHttp.send(node.base(), upgradeRequest(readWrite, "websocket"));
            assertThat(answer.status()).as("%d", status).isEqualTo(status);
            assertThat(answer.text()).as("%d", status).endsWith("no WebSocket here");
            assertThat(answer.text().toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade:");
            // The connection that was asked to switch is closed, not pooled for the next request.
            WebSocketUpstream.Head upgrade = upstream.received().getLast();
            refusedOn.add(upgrade.connection());
            assertThat(upstream.awaitClosed(upgrade, 20)).as("%d", status).isTrue();
        }
        upstream.refuseWith(0);
        upstream.clear();
        HttpResponse<String> plain = CLIENT.send(
                HttpRequest.newBuilder(node.base().resolve("/rest/plain"))
                        .header("Authorization", "Bearer " + readWrite)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("plain answer");
        assertThat(upstream.received().getLast().connection()).isNotIn(refusedOn);
    }

    @Test
    void anH2cUpgradeNeverReachesTheUpstreamAsAnUpgrade() {
        RawHttp.RawAnswer answer = RawHttp.send(
                node.base(),
                "GET /rest/h2c HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + readWrite
                        + "\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).endsWith("plain answer");
        assertThat(upstream.received()).hasSize(1);
        WebSocketUpstream.Head head = upstream.received().getFirst();
        assertThat(head.header("Upgrade")).isEmpty();
        assertThat(head.header("HTTP2-Settings")).isEmpty();
        assertThat(String.join(",", head.header("Connection")).toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("upgrade");
    }

    @Test
    void anUpgradeToPatgatesOwnPathsIsNeverRelayed() {
        RawHttp.RawAnswer answer = RawHttp.send(
                node.base(),
                "GET /.patgate/health HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade"
                        + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("/.patgate/health");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void aClientThatGoesAwayClosesTheUpstreamSide() throws Exception {
        Received received = new Received();
        WebSocket socket = open(readWrite, received);
        socket.sendText("before leaving", true).get(10, TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("before leaving");

        socket.abort(); // the TCP connection goes, without a close handshake

        assertThat(upstream.awaitClosed(upstream.received().getLast(), 20)).isTrue();
    }

    @Test
    void aClientThatSendsMoreBeforeTheSwitchGetsNoTunnelAndItsNextRequestGoesNowhere() throws Exception {
        // RFC 6455 §4.1: a client waits for the 101. Bytes pipelined behind the upgrade are not relayed
        // as a request, nor as WebSocket bytes: the exchange fails and both connections close.
        RawHttp.RawAnswer answer = RawHttp.send(
                node.base(), upgradeRequest(readWrite, "websocket") + "GET /rest/next HTTP/1.1\r\nHost: gw\r\n\r\n");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(upstream.received()).hasSize(1);
        assertThat(upstream.received().getFirst().uri()).isEqualTo("/rest/live/socket");
        assertThat(upstream.awaitClosed(upstream.received().getLast(), 20)).isTrue();
    }

    @Test
    void aClientThatStopsSendingAfterTheUpgradeEndsTheUpstreamsInputAndTheTunnelCloses() throws Exception {
        RawHttp.RawAnswer answer = RawHttp.send(node.base(), upgradeRequest(readWrite, "websocket"));

        assertThat(answer.status()).isEqualTo(101);
        // RFC 6455 §1.3's sample key and its answer, passed through untouched.
        assertThat(answer.text())
                .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                .containsIgnoringCase("upgrade: websocket")
                .containsIgnoringCase("connection: upgrade");
        assertThat(upstream.awaitClosed(upstream.received().getLast(), 20)).isTrue();
    }

    private static String upgradeRequest(String token, String upgrade) {
        return "GET /rest/live/socket HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + token + "\r\nUpgrade: "
                + upgrade
                + "\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }
}
