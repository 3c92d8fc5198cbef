package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.RecordingUpstream;

/**
 * An HTTP/1.1 request refused while its large body is on its way, with the token's first decision
 * made off the event loop (a token never seen, so nothing is cached): the refusal is answered in
 * full, the body read and dropped, and the same connection serves the next request.
 */
class Http1RefusedBodyTest {

    /** Larger than any socket read, below the 1 MiB a refused body is drained to. */
    private static final int LARGE = 600 * 1024;

    private static RecordingUpstream upstream;
    private static DataPlaneNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingUpstream();
        node = new DataPlaneNode(upstream.url());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    /** An answer's head (lower-cased) and its body's length. */
    record Answer(String head, int status, int bodyBytes) {}

    @Test
    void aRefusedLargeBodyDecidedOffTheLoopIsAnsweredAndTheConnectionServesOn() throws Exception {
        int forwarded = upstream.received().size();
        for (int connection = 0; connection < 5; connection++) {
            String token = node.token(Scope.READ_ONLY); // never seen: its first decision needs the store
            try (Socket socket = new Socket(node.base().getHost(), node.base().getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                ByteArrayOutputStream refused = new ByteArrayOutputStream();
                refused.writeBytes(("POST /rest/api/2/issue HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Authorization: Bearer " + token + "\r\n"
                                + "Content-Type: application/json\r\nContent-Length: " + LARGE + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                refused.writeBytes(new byte[LARGE]);
                out.write(refused.toByteArray());
                out.flush();
                Answer first = read(in);
                assertThat(first.status()).isEqualTo(403);
                assertThat(first.head()).doesNotContain("connection: close");

                out.write(("GET /rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Bearer " + token
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(read(in).status()).isEqualTo(200);
            }
        }
        assertThat(upstream.received()).hasSize(forwarded + 5);
    }

    /** Reads one answer with a Content-Length body (what both answers here have). */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 64 * 1024) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection closed within an answer's head: " + head);
            }
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(text.substring(9, 12));
        int at = text.indexOf("\r\ncontent-length:");
        assertThat(at).as("an answer with a Content-Length: %s", text).isPositive();
        int length = Integer.parseInt(
                text.substring(at + 17, text.indexOf("\r\n", at + 2)).strip());
        byte[] body = in.readNBytes(length);
        assertThat(body).hasSize(length);
        return new Answer(text, status, length);
    }
}
