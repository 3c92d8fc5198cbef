package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.ExternalProxy;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp.RawAnswer;
import org.patgate.server.testing.RecordingUpstream.Received;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * The real nginx, configured with the block docs/integrations.md shows (only its ports replaced), in
 * front of a recording upstream, asking PATgate's {@code /.patgate/check} with {@code auth_request}
 * over keep-alive connections. Skipped when nginx is not installed.
 */
@EndToEndTest
class ExternalNginxTest {

    static final Path DOC = Path.of("../docs/integrations.md");
    static final Pattern NGINX_BLOCK = Pattern.compile("(?ms)^```nginx\\n(.*?)^```$");
    static final String ME = "/rest/api/2/myself";

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
    static String documented(int port, int patgatePort, int upstreamPort) throws Exception {
        Matcher block = NGINX_BLOCK.matcher(Files.readString(DOC));
        assertThat(block.find()).as("an nginx block in docs/integrations.md").isTrue();
        String conf = block.group(1);
        for (String placeholder : List.of("listen 80;", "server 127.0.0.1:8080;", "server 127.0.0.1:9000;")) {
            assertThat(conf.split(Pattern.quote(placeholder), -1))
                    .as("exactly one '%s' in the documented block", placeholder)
                    .hasSize(2);
        }
        return conf.replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + patgatePort + ";")
                .replace("server 127.0.0.1:9000;", "server 127.0.0.1:" + upstreamPort + ";");
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @BeforeEach
    void clear() {
        gw.upstream.clear();
    }

    static RawAnswer send(String method, String target, String... headers) {
        return sendFrom(null, method, target, headers);
    }

    static RawAnswer sendFrom(InetAddress from, String method, String target, String... headers) {
        StringBuilder request =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: jira.example.com\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (method.equals("POST") || method.equals("PUT")) {
            request.append("Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        } else {
            request.append("Connection: close\r\n\r\n");
        }
        return RawHttp.send(front, request.toString(), from, false);
    }

    static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    @Test
    void allowedRequestReachesTheUpstreamWithTheIdentityAndWithoutTheToken() {
        RawAnswer answer = send("GET", ME + "?expand=groups", bearer(gw.readWrite()), "X-Forwarded-User: admin");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Received received = gw.upstream.last();
        assertThat(received.path()).isEqualTo(ME);
        assertThat(received.query()).isEqualTo("expand=groups");
        assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        assertThat(received.header("Authorization"))
                .as("the PATgate token stays at the proxy")
                .isEmpty();
        assertThat(received.headers().toString()).doesNotContain(gw.readWrite());
        assertThat(answer.text()).doesNotContain(gw.readWrite());
    }

    @Test
    void withoutATokenTheClientsIdentityHeaderIsRemovedAndPasswordsOutsideRestPassOn() {
        String basic = TestServer.basic("alice", RunningGateway.ALICE_PASSWORD);
        RawAnswer answer = send("GET", "/secure/Dashboard.jspa", "X-Forwarded-User: admin", "Authorization: " + basic);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        Received received = gw.upstream.last();
        assertThat(received.header("X-Forwarded-User")).isEmpty();
        assertThat(received.header("Authorization"))
                .as("outside the REST paths PATgate allows passwords, as inline")
                .containsExactly(basic);
    }

    @Test
    void anotherSpellingOfTheIdentityHeaderNeverReachesTheUpstream() {
        RawAnswer answer =
                send("GET", ME, bearer(gw.readWrite()), "X_Forwarded_User: admin", "X.Forwarded.User: admin");
        for (Received received : gw.upstream.received()) {
            assertThat(received.headerNames())
                    .as(answer.text())
                    .allMatch(name -> name.indexOf('_') < 0 && name.indexOf('.') < 0);
            assertThat(received.header("X-Forwarded-User")).containsExactly("alice");
        }
        assertThat(answer.status()).as(answer.text()).isIn(200, 400);
    }

    @Test
    void readOnlyTokenCannotPost() {
        RawAnswer answer = send("POST", "/rest/api/2/issue", bearer(gw.readOnly()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(gw.upstream.received()).isEmpty();
        assertThat(send("POST", "/rest/api/2/search", bearer(gw.readOnly())).status())
                .as("the read-only POST allowlist, decided on method, path and content type")
                .isEqualTo(200);
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequest() {
        var created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "revoked via nginx", "scope", "read-write"));
        String token = created.get("token").asText();
        assertThat(send("GET", ME, bearer(token)).status()).isEqualTo(200);
        assertThat(gw.server
                        .call(
                                "DELETE",
                                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                                "alice",
                                RunningGateway.ALICE_PASSWORD,
                                null)
                        .status())
                .isEqualTo(204);
        RawAnswer answer = send("GET", ME, bearer(token));
        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(answer.text()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"patgate\"");
        assertThat(gw.upstream.received()).hasSize(1);
    }

    @Test
    void passwordBasicIsRefusedOnRestPaths() {
        RawAnswer answer =
                send("GET", ME, "Authorization: " + TestServer.basic("alice", RunningGateway.ALICE_PASSWORD));
        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void noTokenIsChallenged() {
        RawAnswer answer = send("GET", ME);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"patgate\"");
        assertThat(gw.upstream.received()).isEmpty();
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
    void theCheckEndpointIsNotReachableThroughNginx() {
        RawAnswer answer = send(
                "GET", ExternalCheck.PATH, bearer(gw.readWrite()), "X-Original-Method: GET", "X-Original-URI: " + ME);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text()).doesNotContain("alice");
    }
}
