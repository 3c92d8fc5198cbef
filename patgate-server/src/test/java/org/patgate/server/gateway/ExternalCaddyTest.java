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
 * The real Caddy, configured with the Caddyfile docs/integrations.md shows (its site address and ports
 * replaced; global options keep it off its admin port and off ACME), in front of a recording upstream,
 * asking PATgate's {@code /.patgate/check} with {@code forward_auth}. Skipped when Caddy is not
 * installed.
 */
@EndToEndTest
class ExternalCaddyTest {

    static final Path DOC = Path.of("../docs/integrations.md");
    static final Pattern CADDY_BLOCK = Pattern.compile("(?ms)^```caddyfile\\n(.*?)^```$");
    static final String ME = "/rest/api/2/myself";

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
    static String documented(int port, int patgatePort, int upstreamPort) throws Exception {
        Matcher block = CADDY_BLOCK.matcher(Files.readString(DOC));
        assertThat(block.find()).as("a caddyfile block in docs/integrations.md").isTrue();
        String conf = block.group(1);
        assertThat(conf.split(Pattern.quote("jira.example.com {"), -1)).hasSize(2);
        assertThat(conf.split(Pattern.quote("127.0.0.1:9000"), -1)).hasSize(2);
        return conf.replace("jira.example.com {", "http://:" + port + " {")
                .replace("127.0.0.1:8080", "127.0.0.1:" + patgatePort)
                .replace("127.0.0.1:9000", "127.0.0.1:" + upstreamPort);
    }

    @AfterAll
    static void stopCaddy() {
        if (caddy != null) {
            caddy.close();
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
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "revoked via Caddy", "scope", "read-write"));
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

    @Test
    void theCheckEndpointIsNotReachableThroughCaddy() {
        RawAnswer answer = send(
                "GET", ExternalCheck.PATH, bearer(gw.readWrite()), "X-Original-Method: GET", "X-Original-URI: " + ME);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text()).doesNotContain("alice");
    }
}
