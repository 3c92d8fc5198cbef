package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/** The proxy itself: timeouts, unreachable upstreams, redirects, cookies, h2c, bodies. */
@EndToEndTest
class ProxyBehaviourTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of("PATGATE_UPSTREAM_READTIMEOUT", "1s"))
            .build();

    @TempDir
    static Path dir;

    @Test
    void slowUpstreamAnswers504Problem() {
        Answer answer = gw.bearer("GET", "/test/slow", gw.readWrite());

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("detail").asText()).contains("did not answer in time");
    }

    @Test
    void unreachableUpstreamAnswers502Problem() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestServer server = TestServer.start(
                dir.resolve("down"),
                "jdbc:h2:file:" + dir.resolve("down/db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_UPSTREAM_URL", "http://127.0.0.1:" + closedPort))) {
            Answer answer = server.raw("GET", "/secure/Dashboard.jspa", Map.of(), null);

            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(answer.body()).doesNotContain("Exception").doesNotContain(Integer.toString(closedPort));
        }
    }

    @Test
    void redirectsAndCookiesPassUntouched() {
        Answer answer = gw.bearer("GET", "/test/redirect", gw.readWrite());

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.headers().firstValue("location")).hasValue("/secure/Dashboard.jspa?from=redirect");
        assertThat(answer.headers().allValues("set-cookie"))
                .containsExactly("JSESSIONID=abc123; Path=/; HttpOnly", "atlassian.xsrf.token=xyz; Path=/");
    }

    @Test
    void requestBodiesArriveWhole() {
        String body = "{\"fields\":{\"summary\":\"" + "s".repeat(200_000) + "\"}}";
        Answer answer = gw.send(
                "POST",
                "/rest/api/2/issue",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "Content-Type", "application/json"),
                body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().bodyBytes()).isEqualTo(body.length());
    }

    @Test
    void aBodySentWithoutContentTypeArrivesWithoutOne() {
        Answer answer =
                gw.send("POST", "/rest/api/2/issue", Map.of("Authorization", "Bearer " + gw.readWrite()), "{\"a\":1}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().bodyBytes()).isEqualTo(7);
        assertThat(gw.upstream.last().header("Content-Type")).isEmpty();
    }

    @Test
    void http2CleartextClientsAreServed() throws Exception {
        HTTP2Client http2 = new HTTP2Client();
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(http2));
        client.start();
        try {
            ContentResponse response = client.newRequest(gw.base().resolve("/rest/api/2/myself"))
                    .headers(h -> h.put("Authorization", "Bearer " + gw.readWrite()))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();

            assertThat(response.getVersion().asString()).isEqualTo("HTTP/2.0");
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");

            ContentResponse refused = client.newRequest(gw.base().resolve("/rest/api/2/myself"))
                    .timeout(10, TimeUnit.SECONDS)
                    .send();
            assertThat(refused.getStatus()).isEqualTo(401);
        } finally {
            client.stop();
        }
    }
}
