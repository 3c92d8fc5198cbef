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
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RunningGateway;

/**
 * The real nginx, configured with the block docs/integrations.md shows (only its ports replaced), in
 * front of a recording upstream, asking PATgate's {@code /.patgate/check} with {@code auth_request}
 * over keep-alive connections. Skipped when nginx is not installed.
 */
@EndToEndTest
class ExternalNginxTest extends ExternalProxyBehaviour {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    @TempDir
    static Path dir;

    static ExternalProxy nginx;
    static URI front;

    @BeforeAll
    static void startNginx() throws Exception {
        Path binary = ExternalProxy.find("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx");
        assumeTrue(binary != null, "nginx is not installed");
        int port = ExternalProxy.freePort();
        String conf = "worker_processes 1;\ndaemon off;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 256; }\nhttp {\n  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path " + dir.resolve("proxy")
                + ";\n  fastcgi_temp_path " + dir.resolve("fastcgi") + "; uwsgi_temp_path " + dir.resolve("uwsgi")
                + "; scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + documented(
                        port, gw.base().getPort(), URI.create(gw.upstream.url()).getPort()) + "\n}\n";
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = ExternalProxy.start(
                List.of(
                        binary.toString(),
                        "-p",
                        dir.toString(),
                        "-e",
                        dir.resolve("error.log").toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString()),
                dir,
                port);
        front = URI.create("http://127.0.0.1:" + port);
    }

    /** The page's nginx block, listening on {@code port}, with PATgate and the upstream at theirs. */
    static String documented(int port, int patgatePort, int upstreamPort) {
        return DocumentedConfig.block("nginx")
                .once("listen 80;", "listen 127.0.0.1:" + port + ";")
                .once("server 127.0.0.1:8080;", "server 127.0.0.1:" + patgatePort + ";")
                .once("server 127.0.0.1:9000;", "server 127.0.0.1:" + upstreamPort + ";")
                .text();
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
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
        return "nginx";
    }

    @Test
    void ipBindingUsesTheAddressNginxForwards() throws Exception {
        String bound = gw.createToken("read-write", List.of("192.0.2.0/24"));
        // The test client plays a trusted load balancer in front of nginx (both on 127.0.0.1).
        assertThat(send("GET", ME, bearer(bound), "X-Forwarded-For: 192.0.2.7").status())
                .isEqualTo(200);
        assertThat(send("GET", ME, bearer(bound), "X-Forwarded-For: 198.51.100.1")
                        .status())
                .isEqualTo(403);
        RawAnswer spoofed =
                sendFrom(InetAddress.getByName("127.0.0.2"), "GET", ME, bearer(bound), "X-Forwarded-For: 192.0.2.7");
        assertThat(spoofed.status())
                .as("a client outside trustedProxies cannot claim an address")
                .isEqualTo(403);
        assertThat(gw.upstream.received()).hasSize(1);
    }

    @Test
    void aTokenOverItsRateLimitGets429WithTheFieldsThroughNginx() {
        var token = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, java.util.Map.of("name", "limited", "scope", "read-write"));
        assertThat(gw.server
                        .asAdmin(
                                "PUT",
                                "/.patgate/api/v1/tokens/" + token.get("id").asText() + "/rate-limit",
                                java.util.Map.of("perMinute", 1))
                        .status())
                .isEqualTo(200);
        String secret = token.get("token").asText();

        RawAnswer allowed = send("GET", ME, bearer(secret));
        RawAnswer limited = send("GET", ME, bearer(secret));

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.text()).contains("RateLimit: \"per-minute\";r=0;t=60");
        assertThat(limited.status()).as("PATgate's 429, not nginx's 500").isEqualTo(429);
        assertThat(limited.text())
                .contains("Retry-After: 60")
                .contains("RateLimit-Policy: \"per-minute\";q=1;w=60")
                .contains("RateLimit: \"per-minute\";r=0;t=60")
                .contains("application/problem+json")
                .contains("/.patgate/problems/rate-limited");
        assertThat(gw.upstream.received()).hasSize(1);
    }
}
