package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.DocumentedConfig;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.ExternalProxy;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;

/**
 * The real Apache httpd in front of PATgate inline, configured with the virtual host
 * docs/integrations.md shows (only its ports replaced): tokens work through it, PATgate learns the
 * client's address from Apache's {@code X-Forwarded-For} (so IP binding holds and a client cannot claim
 * an address), and ambiguous targets reach PATgate undecoded and are refused there. Skipped when
 * Apache is not installed.
 */
@EndToEndTest
class ApacheInFrontTest {

    static final String ME = "/rest/api/2/myself";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    @TempDir
    static Path dir;

    static ExternalProxy apache;
    static URI front;

    @BeforeAll
    static void startApache() throws Exception {
        Path binary = ExternalProxy.find("/usr/sbin/apache2", "/usr/sbin/httpd", "/usr/local/apache2/bin/httpd");
        Path modules = ExternalProxy.find("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules");
        assumeTrue(binary != null && modules != null, "Apache httpd is not installed");
        int port = ExternalProxy.freePort();
        // Test scaffolding around the documented virtual host: modules, files and the listener.
        StringBuilder conf = new StringBuilder()
                .append("ServerRoot ")
                .append(dir)
                .append('\n')
                .append("ServerName localhost\n")
                .append("Listen 127.0.0.1:")
                .append(port)
                .append('\n')
                .append("PidFile ")
                .append(dir.resolve("httpd.pid"))
                .append('\n')
                .append("DefaultRuntimeDir ")
                .append(dir)
                .append('\n')
                .append("ErrorLog ")
                .append(dir.resolve("error.log"))
                .append('\n')
                .append("LogLevel warn\n");
        for (String module : List.of("mpm_event", "authz_core", "proxy", "proxy_http")) {
            conf.append("LoadModule ")
                    .append(module)
                    .append("_module ")
                    .append(modules.resolve("mod_" + module + ".so"))
                    .append('\n');
        }
        conf.append(documented(port, gw.base().getPort()));
        Files.writeString(dir.resolve("httpd.conf"), conf);
        apache = ExternalProxy.start(
                List.of(binary.toString(), "-X", "-f", dir.resolve("httpd.conf").toString()), dir, port);
        front = URI.create("http://127.0.0.1:" + port);
    }

    /** The page's Apache block, on {@code port}, with PATgate at {@code patgatePort}. */
    static String documented(int port, int patgatePort) {
        return DocumentedConfig.block("apache")
                .once("<VirtualHost *:80>", "<VirtualHost 127.0.0.1:" + port + ">")
                .once("127.0.0.1:8080/ nocanon", "127.0.0.1:" + patgatePort + "/ nocanon")
                .all("127.0.0.1:8080/", "127.0.0.1:" + patgatePort + "/")
                .text();
    }

    @AfterAll
    static void stopApache() {
        if (apache != null) {
            apache.close();
        }
    }

    @BeforeEach
    void clear() {
        gw.upstream.clear();
    }

    static RawAnswer sendFrom(InetAddress from, String target, String... headers) {
        StringBuilder request =
                new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: jira.example.com\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.send(front, request.append("Connection: close\r\n\r\n").toString(), from, false);
    }

    /** From 127.0.0.2: a client, not the proxy PATgate trusts. */
    static RawAnswer send(String target, String... headers) throws Exception {
        return sendFrom(InetAddress.getByName("127.0.0.2"), target, headers);
    }

    @Test
    void aTokenWorksThroughApacheAndNeverReachesTheUpstream() throws Exception {
        RawAnswer answer = send(ME + "?expand=groups", "Authorization: Bearer " + gw.readWrite());

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Received received = gw.upstream.last();
        assertThat(received.path()).isEqualTo(ME);
        assertThat(received.query()).isEqualTo("expand=groups");
        assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.header("Authorization")).isEmpty();
        assertThat(received.header("Host")).containsExactly("jira.example.com");
    }

    @Test
    void ipBindingUsesTheClientAddressApacheForwardsAndNotOneTheClientClaims() throws Exception {
        String bound = gw.createToken("read-write", List.of("127.0.0.2/32"));

        assertThat(send(ME, "Authorization: Bearer " + bound).status()).isEqualTo(200);
        assertThat(sendFrom(InetAddress.getByName("127.0.0.3"), ME, "Authorization: Bearer " + bound)
                        .status())
                .as("from 127.0.0.3, outside the token's range")
                .isEqualTo(403);
        assertThat(sendFrom(
                                InetAddress.getByName("127.0.0.3"),
                                ME,
                                "Authorization: Bearer " + bound,
                                "X-Forwarded-For: 127.0.0.2")
                        .status())
                .as("an address the client claims is not believed")
                .isEqualTo(403);
        assertThat(gw.upstream.received()).hasSize(1);
    }

    @Test
    void ambiguousTargetsReachPatgateUndecodedAndAreDecidedThere() throws Exception {
        String token = "Authorization: Bearer " + gw.readWrite();

        RawAnswer encodedSlash = send("/rest/api%2F2/myself", token);
        RawAnswer dotDot = send("/rest/%2e%2e/.patgate/api/v1/self", token);

        for (RawAnswer answer : List.of(encodedSlash, dotDot)) {
            assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
            assertThat(answer.text())
                    .as("PATgate's refusal, not Apache's")
                    .containsIgnoringCase("Content-Type: application/problem+json");
        }
        assertThat(gw.upstream.received()).isEmpty();
        assertThat(send(ME).status()).as("no token on a REST path").isEqualTo(401);
        assertThat(send(ME, "Authorization: Bearer " + gw.readOnly()).status()).isEqualTo(200);
    }
}
