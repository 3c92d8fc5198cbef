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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.DocumentedConfig;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.ExternalProxy;
import org.patgate.server.testing.RunningGateway;

/**
 * The real Caddy, configured with the Caddyfile docs/integrations.md shows (its site address and ports
 * replaced; global options keep it off its admin port and off ACME), in front of a recording upstream,
 * asking PATgate's {@code /.patgate/check} with {@code forward_auth}. Skipped when Caddy is not
 * installed.
 */
@EndToEndTest
class ExternalCaddyTest extends ExternalProxyBehaviour {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    @TempDir
    static Path dir;

    static ExternalProxy caddy;
    static URI front;

    @BeforeAll
    static void startCaddy() throws Exception {
        Path binary = ExternalProxy.find("/usr/bin/caddy", "/usr/local/bin/caddy");
        assumeTrue(binary != null, "Caddy is not installed");
        int port = ExternalProxy.freePort();
        // Test scaffolding around the documented site: no admin endpoint, no certificates.
        String caddyfile = "{\n\tadmin off\n\tauto_https off\n}\n"
                + documented(
                        port, gw.base().getPort(), URI.create(gw.upstream.url()).getPort());
        Files.writeString(dir.resolve("Caddyfile"), caddyfile);
        caddy = ExternalProxy.start(
                List.of(
                        "env",
                        "HOME=" + dir,
                        "XDG_DATA_HOME=" + dir,
                        "XDG_CONFIG_HOME=" + dir,
                        binary.toString(),
                        "run",
                        "--config",
                        dir.resolve("Caddyfile").toString(),
                        "--adapter",
                        "caddyfile"),
                dir,
                port);
        front = URI.create("http://127.0.0.1:" + port);
    }

    /** The page's Caddyfile, serving plain HTTP on {@code port}, with PATgate and the upstream at theirs. */
    static String documented(int port, int patgatePort, int upstreamPort) {
        return DocumentedConfig.block("caddyfile")
                .once("jira.example.com {", "http://:" + port + " {")
                .once("127.0.0.1:9000", "127.0.0.1:" + upstreamPort)
                .all("127.0.0.1:8080", "127.0.0.1:" + patgatePort)
                .text();
    }

    @AfterAll
    static void stopCaddy() {
        if (caddy != null) {
            caddy.close();
        }
    }

    @Override
    RunningGateway gw() {
        return gw;
    }

    @Override
    URI front() {
        return front;
    }

    @Override
    String proxy() {
        return "Caddy";
    }

    @Test
    void ipBindingUsesTheAddressCaddyForwards() throws Exception {
        String bound = gw.createToken("read-write", List.of("127.0.0.2/32"));
        InetAddress second = InetAddress.getByName("127.0.0.2");
        assertThat(sendFrom(second, "GET", ME, bearer(bound)).status()).isEqualTo(200);
        assertThat(send("GET", ME, bearer(bound)).status())
                .as("from 127.0.0.1, outside the token's range")
                .isEqualTo(403);
        assertThat(send("GET", ME, bearer(bound), "X-Forwarded-For: 127.0.0.2").status())
                .as("Caddy does not pass on an address its client claims")
                .isEqualTo(403);
        assertThat(gw.upstream.received()).hasSize(1);
    }
}
