package org.patgate.server.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;
import org.patgate.server.config.UpstreamConfig;
import org.patgate.server.testing.EchoServer;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.TestCertificates.Algorithm;
import org.patgate.server.testing.TestCertificates.Issued;

/**
 * HTTPS to the upstream: a small TLS server in the test, whose certificate a test CA issued for
 * {@code localhost}, is trusted only through {@code upstream.trustStore}, and only under its own name.
 */
class UpstreamTlsTest {

    private static TestCertificates ca;
    private static Issued upstream;
    private static ScheduledExecutorService scheduler;

    @TempDir
    static Path dir;

    private static ServerTls serverTls;
    private static EchoServer server;
    private static final List<List<SNIServerName>> SERVER_NAMES = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void upstream() {
        ca = TestCertificates.authority("Upstream CA");
        // SNI carries only names with a dot: not localhost (RFC 6066 §3; JDK and OpenSSL alike).
        upstream = ca.issue("upstream", Algorithm.EC, List.of("localhost", "upstream.test"), List.of("127.0.0.1"));
        scheduler = Executors.newSingleThreadScheduledExecutor();
        // The JDK engine, so the test can read the SNI the client sent from the server's session.
        serverTls = ServerTls.start(
                TlsConfig.pem(
                                TestCertificates.writeCertificates(dir.resolve("up-chain.pem"), upstream.chain()),
                                TestCertificates.writePkcs8(dir.resolve("up-key.pem"), upstream.privateKey()),
                                "")
                        .with(TlsConfig.SUPPORTED_PROTOCOLS, Duration.ofHours(1)),
                scheduler,
                TlsEngine.JDK);
        server = EchoServer.start(channel -> {
            SslHandler handler = serverTls.newHandler(channel.alloc());
            handler.handshakeFuture().addListener(done -> {
                if (done.isSuccess()) {
                    SERVER_NAMES.add(((ExtendedSSLSession) handler.engine().getSession()).getRequestedServerNames());
                }
            });
            channel.pipeline().addLast(handler);
        });
    }

    @AfterAll
    static void stop() {
        server.close();
        serverTls.close();
        scheduler.shutdownNow();
    }

    @Test
    void theUpstreamIsTrustedThroughAPemOrPkcs12TrustStore() throws Exception {
        Path pem = TestCertificates.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
        Path p12 = TestCertificates.writeTrustStore(dir.resolve("ca.p12"), "trust-pw", ca.certificate());
        for (UpstreamConfig config : List.of(
                upstream("localhost", pem.toString(), "", true),
                upstream("localhost", p12.toString(), "trust-pw", true))) {
            for (TlsEngine engine : TlsEngine.values()) {
                SslContext context = UpstreamTls.context(config, engine);
                try (TlsClient client = TlsClient.connect(context, server.port(), "localhost")) {
                    assertThat(client.handshakeSucceeded())
                            .as("%s %s: %s", config.trustStore(), engine, client.failure())
                            .isTrue();
                    assertThat(client.exchange("GET")).startsWith("GET from");
                }
            }
        }
    }

    @Test
    void theHandlerSendsTheUpstreamHostAsSni() throws Exception {
        Path pem = TestCertificates.writeCertificates(dir.resolve("ca-sni.pem"), ca.certificate());
        UpstreamConfig config = upstream("upstream.test", pem.toString(), "", true);
        SslContext context = UpstreamTls.context(config);
        SERVER_NAMES.clear();
        try (TlsClient client =
                TlsClient.connect(context, server.port(), config.url().getHost())) {
            assertThat(client.handshakeSucceeded()).isTrue();
            // The answer comes after the server's side of the handshake, and so after it noted the name.
            assertThat(client.exchange("sni")).startsWith("sni from");
        }
        assertThat(SERVER_NAMES).containsExactly(List.of(new SNIHostName("upstream.test")));
        assertThat(UpstreamTls.newHandler(context, ByteBufAllocator.DEFAULT, config)
                        .engine()
                        .getPeerHost())
                .isEqualTo("upstream.test");
    }

    @Test
    void withoutTheCaInTheTrustStoreTheHandshakeFails() throws Exception {
        // The JDK's trusted CAs do not know the test CA.
        SslContext context = UpstreamTls.context(upstream("localhost", "", "", true));
        try (TlsClient client = TlsClient.connect(context, server.port(), "localhost")) {
            assertThat(client.handshakeSucceeded()).isFalse();
            assertThat(client.failure()).hasStackTraceContaining("unable to find valid certification path");
        }
        // Nor does a trust store holding another CA.
        Path other = TestCertificates.writeCertificates(
                dir.resolve("other.pem"), TestCertificates.authority("Other CA").certificate());
        try (TlsClient client = TlsClient.connect(
                UpstreamTls.context(upstream("localhost", other.toString(), "", true)), server.port(), "localhost")) {
            assertThat(client.handshakeSucceeded()).isFalse();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostnameVerificationIsOff() throws Exception {
        Path pem = TestCertificates.writeCertificates(dir.resolve("ca-host.pem"), ca.certificate());
        for (TlsEngine engine : TlsEngine.values()) {
            SslContext verifying = UpstreamTls.context(upstream("jira.example.com", pem.toString(), "", true), engine);
            try (TlsClient client = TlsClient.connect(verifying, server.port(), "jira.example.com")) {
                assertThat(client.handshakeSucceeded()).as("%s", engine).isFalse();
                assertThat(client.failure()).hasStackTraceContaining("jira.example.com");
            }
            SslContext trusting = UpstreamTls.context(upstream("jira.example.com", pem.toString(), "", false), engine);
            try (TlsClient client = TlsClient.connect(trusting, server.port(), "jira.example.com")) {
                assertThat(client.handshakeSucceeded())
                        .as("%s: %s", engine, client.failure())
                        .isTrue();
            }
        }
    }

    @Test
    void anUnusableTrustStoreIsAStartErrorNamingTheKey() throws Exception {
        Path p12 = TestCertificates.writeTrustStore(dir.resolve("ca-pw.p12"), "right", ca.certificate());
        Path garbage = Files.writeString(dir.resolve("garbage.bin"), "neither pem nor pkcs12");
        Path empty =
                Files.writeString(dir.resolve("empty.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> UpstreamTls.context(upstream("localhost", p12.toString(), "wrong-pw", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("upstream.trustStorePassword: does not open upstream.trustStore")
                .hasMessageNotContaining("wrong-pw");
        assertThatThrownBy(() -> UpstreamTls.context(upstream("localhost", garbage.toString(), "", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("upstream.trustStore: neither a PEM bundle nor a readable PKCS#12 file");
        assertThatThrownBy(() -> UpstreamTls.context(upstream("localhost", empty.toString(), "", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("upstream.trustStore:");
        assertThatThrownBy(() -> UpstreamTls.context(
                        upstream("localhost", dir.resolve("none.pem").toString(), "", true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("upstream.trustStore: file not found");
    }

    private UpstreamConfig upstream(String host, String trustStore, String password, boolean verifyHostname) {
        return new UpstreamConfig(
                        URI.create("https://" + host + ":" + server.port()),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5))
                .withTrust(trustStore, password, verifyHostname);
    }
}
