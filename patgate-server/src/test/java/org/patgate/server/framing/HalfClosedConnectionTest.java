package org.patgate.server.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;

/**
 * A client that sends an incomplete request and then closes its sending half (FIN) will never send the
 * rest: the gateway answers what it can and closes the connection at once, instead of holding it
 * open for a body or a session that cannot arrive until an idle timeout ends it (a connection an
 * attacker gets for free).
 */
@EndToEndTest
class HalfClosedConnectionTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    /** Far below any idle timeout of the gateway, far above a loaded machine's answer time. */
    private static final int READ_LIMIT_MILLIS = 4_000;

    @ParameterizedTest
    @ValueSource(
            strings = {
                // 401 without a token; the body it would drain can never be complete.
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 10\r\n\r\n{}",
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n",
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n",
                // An HTTP/2 connection preface and nothing after it.
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
            })
    void anIncompleteRequestFromAClientThatSendsNoMoreIsAnsweredAndClosedAtOnce(String request) throws IOException {
        URI base = gw.base();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(READ_LIMIT_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();

            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            boolean closed;
            try {
                in.transferTo(answer);
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException reset) {
                closed = true; // a reset is a close too
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertThat(closed)
                    .as("closed within %d ms; answer so far: %s", READ_LIMIT_MILLIS, text)
                    .isTrue();
            assertThat(text).doesNotStartWith("HTTP/1.1 2");
        }
    }
}
