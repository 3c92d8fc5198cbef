package org.patgate.server.dataplane.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.ListenConfig.ProxyProtocol;
import org.patgate.server.testing.EchoServer;
import org.patgate.server.testing.ProxyHeaders;

/**
 * The PROXY protocol at the front of the pipeline, over real loopback connections: the test acts
 * as a load balancer from 127.0.0.1 (the trusted proxy) and as a client from 127.0.0.2 (anyone
 * else), and reads back the client address the server believes.
 */
class ProxyProtocolFrontTest {

    private static final String TRUSTED = "127.0.0.1";
    private static final String UNTRUSTED = "127.0.0.2";

    @Test
    void aV1HeaderFromTheTrustedProxyGivesTheAnnouncedAddress() throws IOException {
        try (EchoServer server = server(ProxyProtocol.V1)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v1("203.0.113.7", 4711, "10.0.0.1", 443), "hello"))
                    .isEqualTo("hello from 203.0.113.7:4711\n");
            assertThat(send(server, TRUSTED, ProxyHeaders.v1("2001:db8::7", 4712, "2001:db8::1", 443), "six"))
                    .isEqualTo("six from 2001:db8:0:0:0:0:0:7:4712\n");
        }
    }

    @Test
    void aV2HeaderFromTheTrustedProxyGivesTheAnnouncedAddressAndWhetherItSawTls() throws IOException {
        try (EchoServer server = server(ProxyProtocol.V2)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v2("198.51.100.9", 5000, "10.0.0.1", 443), "plain"))
                    .isEqualTo("plain from 198.51.100.9:5000\n");
            assertThat(send(server, TRUSTED, ProxyHeaders.v2("198.51.100.9", 5001, "10.0.0.1", 443, true), "tls"))
                    .isEqualTo("tls from 198.51.100.9:5001 tls-at-proxy\n");
            assertThat(send(server, TRUSTED, ProxyHeaders.v2("2001:db8::9", 5002, "2001:db8::1", 443), "six"))
                    .isEqualTo("six from 2001:db8:0:0:0:0:0:9:5002\n");
        }
    }

    @Test
    void anyAcceptsBothVersionsAndEachVersionOnlyItself() throws IOException {
        try (EchoServer server = server(ProxyProtocol.ANY)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v1("203.0.113.1", 1, "10.0.0.1", 443), "a"))
                    .isEqualTo("a from 203.0.113.1:1\n");
            assertThat(send(server, TRUSTED, ProxyHeaders.v2("203.0.113.2", 2, "10.0.0.1", 443), "b"))
                    .isEqualTo("b from 203.0.113.2:2\n");
        }
        try (EchoServer server = server(ProxyProtocol.V1)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v2("203.0.113.2", 2, "10.0.0.1", 443), "b"))
                    .isEmpty();
        }
        try (EchoServer server = server(ProxyProtocol.V2)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v1("203.0.113.1", 1, "10.0.0.1", 443), "a"))
                    .isEmpty();
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void aHeaderFromAnUntrustedPeerIsRefusedAndNeverBelieved() throws IOException {
        try (EchoServer server = server(ProxyProtocol.ANY)) {
            for (byte[] header : List.of(
                    ProxyHeaders.v1("203.0.113.7", 4711, "10.0.0.1", 443),
                    ProxyHeaders.v2("203.0.113.7", 4711, "10.0.0.1", 443))) {
                String answer = send(server, UNTRUSTED, header, "hello");
                assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("trusted proxy");
                assertThat(answer).doesNotContain("203.0.113.7");
            }
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void anUntrustedPeerWithoutAHeaderIsServedWithItsSocketAddress() throws IOException {
        try (EchoServer server = server(ProxyProtocol.V2)) {
            assertThat(send(server, UNTRUSTED, new byte[0], "direct")).startsWith("direct from 127.0.0.2:");
            // Bytes that begin like a signature but turn out not to be one pass untouched.
            assertThat(send(server, UNTRUSTED, "PROX".getBytes(StandardCharsets.US_ASCII), "Y-ish"))
                    .startsWith("PROXY-ish from 127.0.0.2:");
            assertThat(send(server, UNTRUSTED, new byte[0], "PROPFIND /dav/ HTTP/1.1"))
                    .startsWith("PROPFIND /dav/ HTTP/1.1 from 127.0.0.2:");
            assertThat(server.received()).containsExactly("direct", "PROXY-ish", "PROPFIND /dav/ HTTP/1.1");
        }
    }

    @Test
    void theTrustedProxyWithoutAHeaderIsClosed() throws IOException {
        try (EchoServer server = server(ProxyProtocol.ANY)) {
            assertThat(send(server, TRUSTED, new byte[0], "GET / HTTP/1.1\r\nHost: gateway\r\n"))
                    .isEmpty();
            assertThat(send(server, TRUSTED, "PROXY TCP4 nonsense\r\n".getBytes(StandardCharsets.US_ASCII), "x"))
                    .isEmpty();
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void aLocalOrUnknownHeaderKeepsTheSocketAddress() throws IOException {
        try (EchoServer server = server(ProxyProtocol.ANY)) {
            assertThat(send(server, TRUSTED, ProxyHeaders.v2Local(), "health")).startsWith("health from 127.0.0.1:");
            assertThat(send(server, TRUSTED, ProxyHeaders.v1Unknown(), "unknown"))
                    .startsWith("unknown from 127.0.0.1:");
        }
    }

    @Test
    void offInstallsNothing() throws IOException {
        try (EchoServer server = server(ProxyProtocol.OFF)) {
            // Without the front, a header is just bytes for whatever parses the connection next.
            assertThat(send(server, TRUSTED, ProxyHeaders.v1("203.0.113.7", 4711, "10.0.0.1", 443), "x"))
                    .startsWith("PROXY TCP4 203.0.113.7 10.0.0.1 4711 443 from 127.0.0.1:");
        }
    }

    private static EchoServer server(ProxyProtocol mode) {
        ProxyProtocolFront front = ProxyProtocolFront.of(mode, List.of(TRUSTED + "/32"));
        return EchoServer.start(front::install);
    }

    /**
     * Connects from {@code source}, writes {@code header} then {@code line} and a newline, and
     * reads until the server closes or one answer line has come; empty when the server closed
     * without answering.
     */
    private static String send(EchoServer server, String source, byte[] header, String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(header);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return readAnswer(socket.getInputStream());
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                answer.write(b);
                String text = answer.toString(StandardCharsets.UTF_8);
                if (b == '\n' && !text.startsWith("HTTP/")) {
                    break;
                }
            }
        } catch (SocketException reset) {
            // Closed with unread data: a reset is a close too.
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
