package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.ProxyHeaders;
import org.patgate.server.testing.RunningGateway;

/**
 * {@code listen.proxyProtocol} on the Netty data plane: a load balancer in {@code trustedProxies}
 * (here 127.0.0.2; the test's own calls come from 127.0.0.1, untrusted, in plain HTTP) announces the client with a PROXY v1 or v2 header, and that address is the one the
 * token's IP ranges, the upstream's X-Forwarded-For and PATgate's own pages see. A connection that
 * omits the header from the trusted proxy is closed without an answer.
 */
@EndToEndTest
class ProxyProtocolListenerTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_LISTEN_DATAPLANE", "netty")
            .env("PATGATE_LISTEN_PROXYPROTOCOL", "any")
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.2/32")
            .build();

    /** Sends {@code header} then {@code request} on one connection; the answer as text ("" when closed). */
    static String exchange(byte[] header, String request) throws IOException {
        try (Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), gw.base().getPort(), InetAddress.getByName("127.0.0.2"), 0)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(header);
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            try {
                while (answer.size() < 1 << 20 && (read = in.read(buffer)) > 0) {
                    answer.write(buffer, 0, read);
                }
            } catch (java.net.SocketException e) {
                // A reset after the answer: what arrived counts.
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String get(String path, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + token
                + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void theAnnouncedClientIsTheOneTheTokensIpRangesAndTheUpstreamSee() throws Exception {
        String office = gw.createToken("read-write", List.of("203.0.113.0/24"));
        for (byte[] header : List.of(
                ProxyHeaders.v1("203.0.113.7", 40000, "127.0.0.1", 443),
                ProxyHeaders.v2("203.0.113.7", 40000, "127.0.0.1", 443))) {
            gw.upstream.clear();
            String answer = exchange(header, get("/rest/api/2/myself", office));
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(gw.upstream.last().header("X-Forwarded-For")).containsExactly("203.0.113.7");
        }
        // From another announced address the same token is refused before the upstream.
        gw.upstream.clear();
        String elsewhere = exchange(ProxyHeaders.v1("198.51.100.9", 40000, "127.0.0.1", 443), get("/rest/x", office));
        assertThat(elsewhere).startsWith("HTTP/1.1 403");
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void clientsThatAreNotTrustedProxiesAreServedAsBeforeAndCannotSendTheHeader() {
        assertThat(gw.bearer("GET", "/rest/api/2/myself", gw.readWrite()).status())
                .isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void aTrustedProxyMustSendTheHeader() throws Exception {
        gw.upstream.clear();
        String answer = exchange(new byte[0], get("/rest/api/2/myself", gw.readWrite()));
        assertThat(answer)
                .as("seen as "
                        + gw.upstream.received().stream()
                                .map(r -> r.header("X-Forwarded-For"))
                                .toList())
                .doesNotContain("200 OK");
        assertThat(gw.upstream.received()).isEmpty();
    }
}
