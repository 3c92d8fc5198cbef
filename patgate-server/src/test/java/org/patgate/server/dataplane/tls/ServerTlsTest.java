package org.patgate.server.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;
import org.patgate.server.testing.EchoServer;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.TestCertificates.Algorithm;
import org.patgate.server.testing.TestCertificates.Issued;

/**
 * The listener's TLS over real loopback connections: which versions and ALPN protocols are
 * negotiated, every key and keystore form that must load, and the start errors for the ones that
 * must not, each naming its key.
 */
class ServerTlsTest {

    private static TestCertificates ca;
    private static Issued ecServer;
    private static Issued rsaServer;
    private static ScheduledExecutorService scheduler;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.authority("PATgate test CA");
        ecServer = ca.issue("ec.localhost", Algorithm.EC);
        rsaServer = ca.issue("rsa.localhost", Algorithm.RSA);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void tls13AndTls12HandshakesWorkAndCarryData() throws Exception {
        try (ServerTls tls = ServerTls.start(pem(ecServer), scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())))) {
            for (String version : TlsConfig.SUPPORTED_PROTOCOLS) {
                try (TlsClient client = TlsClient.connect(client(version), server.port())) {
                    assertThat(client.handshakeSucceeded()).as(version).isTrue();
                    assertThat(client.protocol()).isEqualTo(version);
                    assertThat(client.peerCertificate()).isEqualTo(ecServer.certificate());
                    assertThat(client.exchange("hello " + version)).startsWith("hello " + version + " from 127.0.0.1:");
                }
            }
        }
    }

    @Test
    void tls11IsRefusedThoughTheClientCouldSpeakIt() throws Exception {
        // TLS 1.1 has no AEAD cipher suites: offer the CBC ones it can use.
        List<String> tls11Ciphers =
                List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        SslContext tls11Only = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .trustManager(ca.certificate())
                .protocols("TLSv1.1")
                .ciphers(tls11Ciphers)
                .build();
        try (ServerTls tls = ServerTls.start(pem(ecServer), scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())))) {
            try (TlsClient client = TlsClient.connect(tls11Only, server.port())) {
                assertThat(client.handshakeSucceeded()).isFalse();
                assertThat(client.failure()).hasMessageContaining("PROTOCOL_VERSION");
            }
        }
        // The same client does get through to a server that still allows TLS 1.1: the refusal above is the listener's.
        SslContext legacyServer = SslContextBuilder.forServer(ecServer.privateKey(), ecServer.chain())
                .sslProvider(SslProvider.OPENSSL)
                .protocols("TLSv1.1", "TLSv1.2")
                .ciphers(tls11Ciphers)
                .build();
        try (EchoServer server = EchoServer.start(
                        channel -> channel.pipeline().addLast(legacyServer.newHandler(channel.alloc())));
                TlsClient client = TlsClient.connect(tls11Only, server.port())) {
            assertThat(client.handshakeSucceeded()).as("%s", client.failure()).isTrue();
            assertThat(client.protocol()).isEqualTo("TLSv1.1");
        }
    }

    @Test
    void alpnSelectsH2WhenOfferedAndHttp11Otherwise() throws Exception {
        try (ServerTls tls = ServerTls.start(pem(ecServer), scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())))) {
            try (TlsClient client = TlsClient.connect(
                    alpnClient(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1), server.port())) {
                assertThat(client.handshakeSucceeded()).isTrue();
                assertThat(client.applicationProtocol()).isEqualTo(ApplicationProtocolNames.HTTP_2);
            }
            try (TlsClient client = TlsClient.connect(alpnClient(ApplicationProtocolNames.HTTP_1_1), server.port())) {
                assertThat(client.handshakeSucceeded()).isTrue();
                assertThat(client.applicationProtocol()).isEqualTo(ApplicationProtocolNames.HTTP_1_1);
            }
        }
    }

    @Test
    void everyPemKeyFormAndPkcs12Load() throws Exception {
        Path chain = TestCertificates.writeCertificates(dir.resolve("rsa-chain.pem"), rsaServer.chain());
        Path ecChain = TestCertificates.writeCertificates(dir.resolve("ec-chain.pem"), ecServer.chain());
        List<TlsConfig> configs = List.of(
                TlsConfig.pem(chain, TestCertificates.writePkcs8(dir.resolve("rsa.pk8"), rsaServer.privateKey()), ""),
                TlsConfig.pem(
                        chain, TestCertificates.writeTraditional(dir.resolve("rsa.pk1"), rsaServer.privateKey()), ""),
                TlsConfig.pem(
                        ecChain, TestCertificates.writeTraditional(dir.resolve("ec.sec1"), ecServer.privateKey()), ""),
                TlsConfig.pem(
                        ecChain,
                        TestCertificates.writeEncryptedPkcs8(
                                dir.resolve("ec.enc.pk8"), ecServer.privateKey(), "s3cret"),
                        "s3cret"),
                TlsConfig.pem(
                        chain,
                        TestCertificates.writeTraditionalEncrypted(
                                dir.resolve("rsa.enc.pk1"), rsaServer.privateKey(), "s3cret"),
                        "s3cret"),
                TlsConfig.pkcs12(
                        TestCertificates.writePkcs12(
                                dir.resolve("ec.p12"), ecServer.privateKey(), "p12pass", ecServer.chain()),
                        "p12pass"));
        for (TlsConfig config : configs) {
            try (ServerTls tls = ServerTls.start(config, scheduler);
                    EchoServer server =
                            EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())));
                    TlsClient client = TlsClient.connect(client("TLSv1.3"), server.port())) {
                assertThat(client.handshakeSucceeded())
                        .as("%s: %s", config, client.failure())
                        .isTrue();
                assertThat(client.exchange("ping")).as("%s", config).startsWith("ping from");
                assertThat(tls.certificate()).isIn(ecServer.certificate(), rsaServer.certificate());
            }
        }
    }

    @Test
    void theJdkEngineServesTheSameWayAndOpenSslIsUsedWhereItLoads() throws Exception {
        try (ServerTls tls = ServerTls.start(pem(rsaServer), scheduler, TlsEngine.JDK);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())));
                TlsClient client = TlsClient.connect(
                        alpnClient(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1),
                        server.port())) {
            assertThat(tls.provider()).isEqualTo("jdk");
            assertThat(client.handshakeSucceeded()).isTrue();
            assertThat(client.protocol()).isEqualTo("TLSv1.3");
            assertThat(client.applicationProtocol()).isEqualTo(ApplicationProtocolNames.HTTP_2);
        }
        // netty-tcnative-boringssl-static is on the class path for linux-x86_64, where these tests run.
        try (ServerTls tls = ServerTls.start(pem(rsaServer), scheduler)) {
            assertThat(tls.provider()).isEqualTo("openssl");
        }
    }

    @Test
    void aWrongOrMissingPasswordIsAStartErrorNamingTheKey() {
        Path chain = TestCertificates.writeCertificates(dir.resolve("chain.pem"), ecServer.chain());
        Path encrypted = TestCertificates.writeEncryptedPkcs8(dir.resolve("enc.pem"), ecServer.privateKey(), "right");
        Path legacy =
                TestCertificates.writeTraditionalEncrypted(dir.resolve("legacy.pem"), ecServer.privateKey(), "right");
        Path plain = TestCertificates.writePkcs8(dir.resolve("plain.pem"), ecServer.privateKey());
        Path p12 = TestCertificates.writePkcs12(dir.resolve("s.p12"), ecServer.privateKey(), "right", ecServer.chain());

        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, encrypted, "wrong-pw-1"), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.keyPassword: does not decrypt the key in listen.tls.key")
                .hasMessageNotContaining("wrong-pw-1");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, legacy, "wrong-pw-2"), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.keyPassword: does not decrypt")
                .hasMessageNotContaining("wrong-pw-2");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, encrypted, ""), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.tls.key: the key is encrypted; set listen.tls.keyPassword");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, plain, "pointless"), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessage("listen.tls.keyPassword: set, but the key in listen.tls.key is not encrypted");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pkcs12(p12, "wrong-pw-3"), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.keystorePassword: does not open listen.tls.keystore")
                .hasMessageNotContaining("wrong-pw-3");
    }

    @Test
    void filesThatCannotServeAreStartErrorsNamingTheKey() throws Exception {
        Path chain = TestCertificates.writeCertificates(dir.resolve("chain.pem"), ecServer.chain());
        Path otherKey = TestCertificates.writePkcs8(dir.resolve("other.pem"), rsaServer.privateKey());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");

        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, otherKey, ""), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "listen.tls.key: the private key does not belong to the first (leaf) certificate");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(garbage, otherKey, ""), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.certificate: holds no PEM certificate");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(chain, garbage, ""), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.key: holds no PEM private key");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pem(dir.resolve("missing.pem"), otherKey, ""), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.certificate: file not found");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.pkcs12(garbage, "x"), scheduler))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("listen.tls.keystore: not a readable PKCS#12 file");
        assertThatThrownBy(() -> ServerTls.start(TlsConfig.none(), scheduler)).isInstanceOf(ConfigException.class);
    }

    private TlsConfig pem(Issued server) {
        return TlsConfig.pem(
                        TestCertificates.writeCertificates(dir.resolve("chain.pem"), server.chain()),
                        TestCertificates.writePkcs8(dir.resolve("key.pem"), server.privateKey()),
                        "")
                .with(TlsConfig.SUPPORTED_PROTOCOLS, Duration.ofHours(1));
    }

    private static SslContext client(String version) throws Exception {
        return SslContextBuilder.forClient()
                .trustManager(ca.certificate())
                .protocols(version)
                .build();
    }

    private static SslContext alpnClient(String... protocols) throws Exception {
        return SslContextBuilder.forClient()
                .trustManager(ca.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocols))
                .build();
    }
}
