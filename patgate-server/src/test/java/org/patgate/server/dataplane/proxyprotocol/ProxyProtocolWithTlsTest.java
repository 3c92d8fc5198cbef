package org.patgate.server.dataplane.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.ListenConfig.ProxyProtocol;
import org.patgate.server.config.TlsConfig;
import org.patgate.server.dataplane.tls.ServerTls;
import org.patgate.server.testing.EchoServer;
import org.patgate.server.testing.ProxyHeaders;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.TestCertificates.Algorithm;
import org.patgate.server.testing.TestCertificates.Issued;

/**
 * The front as the data plane will install it, the PROXY protocol first and TLS after it: a load
 * balancer passing TLS through sends its header in clear, then the client's handshake follows on
 * the same connection.
 */
class ProxyProtocolWithTlsTest {

    @TempDir
    static Path dir;

    private static TestCertificates ca;
    private static ScheduledExecutorService scheduler;
    private static ServerTls tls;
    private static EchoServer server;

    @BeforeAll
    static void start() {
        ca = TestCertificates.authority("PROXY and TLS CA");
        Issued issued = ca.issue("gateway", Algorithm.EC);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        tls = ServerTls.start(
                TlsConfig.pem(
                                TestCertificates.writeCertificates(dir.resolve("chain.pem"), issued.chain()),
                                TestCertificates.writePkcs8(dir.resolve("key.pem"), issued.privateKey()),
                                "")
                        .with(TlsConfig.SUPPORTED_PROTOCOLS, Duration.ofHours(1)),
                scheduler);
        ProxyProtocolFront front = ProxyProtocolFront.of(ProxyProtocol.ANY, List.of("127.0.0.1"));
        server = EchoServer.start(channel -> {
            front.install(channel);
            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
        });
    }

    @AfterAll
    static void stop() {
        server.close();
        tls.close();
        scheduler.shutdownNow();
    }

    @Test
    void theHeaderComesInClearBeforeTheHandshakeAndNamesTheClient() throws Exception {
        assertThat(exchange("127.0.0.1", ProxyHeaders.v2("192.0.2.44", 6000, "10.0.0.1", 443, true), "tls"))
                .isEqualTo("tls from 192.0.2.44:6000 tls-at-proxy");
        assertThat(exchange("127.0.0.1", ProxyHeaders.v1("192.0.2.45", 6001, "10.0.0.1", 443), "v1"))
                .isEqualTo("v1 from 192.0.2.45:6001");
    }

    @Test
    void aClientThatIsNotTheProxySpeaksTlsStraightAway() throws Exception {
        assertThat(exchange("127.0.0.2", new byte[0], "direct")).startsWith("direct from 127.0.0.2:");
    }

    @Test
    void theProxyCannotSkipTheHeader() {
        assertThatThrownBy(() -> exchange("127.0.0.1", new byte[0], "no header"))
                .isInstanceOfAny(SSLException.class, IOException.class);
    }

    private static String exchange(String source, byte[] header, String line)
            throws IOException, GeneralSecurityException {
        try (Socket raw = new Socket()) {
            raw.bind(new InetSocketAddress(source, 0));
            raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(header);
            raw.getOutputStream().flush();
            try (SSLSocket socket =
                    (SSLSocket) client().getSocketFactory().createSocket(raw, "localhost", server.port(), false)) {
                socket.startHandshake();
                socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            }
        }
    }

    private static SSLContext client() {
        return ca.trustingContext();
    }
}
