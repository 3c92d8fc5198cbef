package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.SlowUploads;

/** Bodies stream through the Netty data plane both ways; 100-continue and slow bodies. */
class StreamingTest {

    private static final long SIZE = 64L << 20;

    private static RecordingUpstream upstream;
    private static DataPlaneNode node;
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingUpstream();
        node = new DataPlaneNode(
                upstream.url(),
                Map.of("PATGATE_LIMITS_MINREQUESTBODYRATE", "100", "PATGATE_LIMITS_REQUESTBODYGRACE", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    @Test
    void uploadsALargeBodyWithoutHoldingIt() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.base().resolve("/test/echo-bytes"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(SIZE)), SIZE))
                .build();

        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Received-Bytes")).hasValue(Long.toString(SIZE));
    }

    @Test
    void uploadsAChunkedBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.base().resolve("/test/echo-bytes"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(SIZE / 4)))
                .build();

        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Received-Bytes")).hasValue(Long.toString(SIZE / 4));
    }

    @Test
    void downloadsALargeBodyWithoutHoldingIt() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(
                HttpRequest.newBuilder(node.base().resolve("/test/download/" + SIZE))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());

        long total = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(total).isEqualTo(SIZE);
    }

    @Test
    void answers100ContinueBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", node.base().getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /test/echo-bytes HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
                            + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String interim = readHead(in);
            assertThat(interim).startsWith("HTTP/1.1 100 Continue");

            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("X-Received-Bytes: 5");
        }
    }

    @Test
    void cutsABodyThatTrickles() {
        int status = SlowUploads.http1(
                node.base(),
                "/test/echo-bytes",
                "10.9.9.9",
                Duration.ofMillis(200),
                System.nanoTime() + 20_000_000_000L);

        assertThat(status).isEqualTo(408);
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && head.length() < 10_000; ) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    /** {@code size} zero bytes, made as they are read. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
