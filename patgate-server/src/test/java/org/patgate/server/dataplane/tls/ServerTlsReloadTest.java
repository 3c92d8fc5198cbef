package org.patgate.server.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.TlsConfig;
import org.patgate.server.dataplane.tls.ServerTls.Reload;
import org.patgate.server.testing.EchoServer;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.TestCertificates.Algorithm;
import org.patgate.server.testing.TestCertificates.Issued;
import org.slf4j.LoggerFactory;

/**
 * Replacing the certificate and key files while the listener runs: new connections get the new
 * certificate, a connection opened before keeps working on the old one, and a replacement that
 * cannot be used leaves the previous certificate in place.
 */
class ServerTlsReloadTest {

    @TempDir
    Path dir;

    private final TestCertificates ca = TestCertificates.authority("PATgate reload CA");
    private ScheduledExecutorService scheduler;
    private Path chain;
    private Path key;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void files() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        chain = dir.resolve("chain.pem");
        key = dir.resolve("key.pem");
        logs.start();
        ((Logger) LoggerFactory.getLogger(ServerTls.class)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(ServerTls.class)).detachAppender(logs);
        scheduler.shutdownNow();
    }

    @Test
    void aNewConnectionSeesTheNewCertificateWhileAnOpenOneKeepsWorking() throws Exception {
        Issued first = install(ca.issue("first", Algorithm.EC));
        Issued second = ca.issue("second", Algorithm.RSA);
        try (ServerTls tls = ServerTls.start(config(Duration.ofHours(1)), scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())));
                TlsClient before = TlsClient.connect(client(), server.port())) {
            assertThat(before.peerCertificate()).isEqualTo(first.certificate());
            assertThat(tls.reloadNow()).isEqualTo(Reload.UNCHANGED);

            install(second);
            assertThat(tls.reloadNow()).isEqualTo(Reload.RELOADED);

            try (TlsClient after = TlsClient.connect(client(), server.port())) {
                assertThat(after.handshakeSucceeded()).isTrue();
                assertThat(after.peerCertificate()).isEqualTo(second.certificate());
                assertThat(after.exchange("new")).startsWith("new from");
            }
            assertThat(before.isOpen()).isTrue();
            assertThat(before.exchange("still here")).startsWith("still here from");
            assertThat(tls.certificate()).isEqualTo(second.certificate());
        }
    }

    @Test
    void aBrokenReplacementKeepsThePreviousCertificate() throws Exception {
        Issued first = install(ca.issue("first", Algorithm.EC));
        Issued other = ca.issue("other", Algorithm.EC);
        try (ServerTls tls = ServerTls.start(config(Duration.ofHours(1)), scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())))) {
            // Half a replacement: the new chain with the old key.
            TestCertificates.writeCertificates(chain, other.chain());
            assertThat(tls.reloadNow()).isEqualTo(Reload.KEPT_PREVIOUS);
            assertConnectionsSee(server, first);

            // A key file cut short.
            TestCertificates.writePkcs8(key, other.privateKey());
            String whole = Files.readString(key);
            Files.writeString(key, whole.substring(0, whole.length() / 2));
            assertThat(tls.reloadNow()).isEqualTo(Reload.KEPT_PREVIOUS);
            assertThat(tls.reloadNow()).isEqualTo(Reload.KEPT_PREVIOUS);
            assertConnectionsSee(server, first);

            // The files gone for a moment.
            Files.delete(key);
            assertThat(tls.reloadNow()).isEqualTo(Reload.KEPT_PREVIOUS);
            assertConnectionsSee(server, first);

            // The replacement completed.
            TestCertificates.writePkcs8(key, other.privateKey());
            assertThat(tls.reloadNow()).isEqualTo(Reload.RELOADED);
            assertConnectionsSee(server, other);
        }
        // One warning for each broken state, not one per check, each naming the key at fault.
        assertThat(warnings())
                .hasSize(3)
                .satisfiesExactly(
                        half -> assertThat(half).contains("listen.tls.key: the private key does not belong"),
                        cut -> assertThat(cut).contains("listen.tls.key:"),
                        gone -> assertThat(gone).contains("listen.tls.key: file not found"));
    }

    @Test
    void aReplacementKeyUnderAnotherPasswordIsKeptOutAndThePasswordNeverLogged() throws Exception {
        Issued first = ca.issue("first", Algorithm.EC);
        TestCertificates.writeCertificates(chain, first.chain());
        TestCertificates.writeEncryptedPkcs8(key, first.privateKey(), "configured-pw-4711");
        TlsConfig config = TlsConfig.pem(chain, key, "configured-pw-4711")
                .with(TlsConfig.SUPPORTED_PROTOCOLS, Duration.ofHours(1));
        Issued second = ca.issue("second", Algorithm.EC);
        try (ServerTls tls = ServerTls.start(config, scheduler);
                EchoServer server =
                        EchoServer.start(channel -> channel.pipeline().addLast(tls.newHandler(channel.alloc())))) {
            TestCertificates.writeCertificates(chain, second.chain());
            TestCertificates.writeEncryptedPkcs8(key, second.privateKey(), "another-pw-0815");
            assertThat(tls.reloadNow()).isEqualTo(Reload.KEPT_PREVIOUS);
            assertConnectionsSee(server, first);

            TestCertificates.writeEncryptedPkcs8(key, second.privateKey(), "configured-pw-4711");
            assertThat(tls.reloadNow()).isEqualTo(Reload.RELOADED);
            assertConnectionsSee(server, second);
        }
        assertThat(warnings()).singleElement().asString().contains("listen.tls.keyPassword: does not decrypt");
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains("configured-pw-4711") || line.contains("another-pw-0815"));
    }

    private List<String> warnings() {
        return logs.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void theScheduledCheckPicksUpAReplacement() throws Exception {
        install(ca.issue("first", Algorithm.EC));
        Issued second = ca.issue("second", Algorithm.EC);
        try (ServerTls tls = ServerTls.start(config(Duration.ofMillis(50)), scheduler)) {
            install(second);
            // Bounded: 400 checks of 50 ms at most.
            for (int i = 0; i < 400 && !tls.certificate().equals(second.certificate()); i++) {
                Thread.sleep(50);
            }
            assertThat(tls.certificate()).isEqualTo(second.certificate());
        }
    }

    private void assertConnectionsSee(EchoServer server, Issued expected) throws Exception {
        try (TlsClient client = TlsClient.connect(client(), server.port())) {
            assertThat(client.handshakeSucceeded()).as("%s", client.failure()).isTrue();
            assertThat(client.peerCertificate()).isEqualTo(expected.certificate());
        }
    }

    private Issued install(Issued issued) {
        TestCertificates.writeCertificates(chain, issued.chain());
        TestCertificates.writePkcs8(key, issued.privateKey());
        return issued;
    }

    private TlsConfig config(Duration reloadInterval) {
        return TlsConfig.pem(chain, key, "").with(TlsConfig.SUPPORTED_PROTOCOLS, reloadInterval);
    }

    private SslContext client() throws Exception {
        return SslContextBuilder.forClient().trustManager(ca.certificate()).build();
    }
}
