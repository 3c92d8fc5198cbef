package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.core.token.Scope;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RecordingUpstream;

/** The Netty data plane forwarding HTTP/1.1 to a real upstream and relaying PATgate's own paths. */
class NettyDataPlaneTest {

    @RegisterExtension
    static final NodeAndUpstream<RecordingUpstream> plane = new NodeAndUpstream<>(
            RecordingUpstream::new,
            RecordingUpstream::url,
            RecordingUpstream::clear,
            Map.of("PATGATE_UPSTREAM_READTIMEOUT", "1s", "PATGATE_REST_ANONYMOUS", "allow"));

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(plane.node().base().resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsARequestWithItsPathQueryAndClientAddress() throws Exception {
        HttpResponse<String> response = get("/rest/api/2/issue/PROJ-1?fields=summary");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"upstream\":\"ok\"}");
        assertThat(plane.upstream().last().path()).isEqualTo("/rest/api/2/issue/PROJ-1");
        assertThat(plane.upstream().last().query()).isEqualTo("fields=summary");
        assertThat(plane.upstream().last().header("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void relaysPatgatePathsToItsOwnServerWithTheClientAddress() throws Exception {
        HttpResponse<String> response = get("/.patgate/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("/127.0.0.1:").endsWith(" /.patgate/health");
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void answersPipelinedRequestsInOrder() {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer.text().split("HTTP/1.1 200 OK", -1)).hasSize(3);
        assertThat(plane.upstream().received())
                .extracting(RecordingUpstream.Received::path)
                .containsExactly("/first", "/second");
    }

    @Test
    void reusesUpstreamConnections() throws Exception {
        assertThat(get("/reuse/first").statusCode()).isEqualTo(200);
        int open = plane.node().plane().upstreamConnections();
        for (int i = 0; i < 5; i++) {
            // The same client connection, so the same event loop and its pool.
            assertThat(get("/reuse/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(plane.node().plane().upstreamConnections()).isEqualTo(open);
    }

    @Test
    void slowUpstreamIsAGatewayTimeout() throws Exception {
        HttpResponse<String> response = get("/test/slow");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":504");
    }

    @Test
    void upstreamDownIsABadGateway() throws Exception {
        try (DataPlaneNode toNowhere = new DataPlaneNode("http://127.0.0.1:1")) {
            HttpResponse<String> response = CLIENT.send(
                    HttpRequest.newBuilder(toNowhere.base().resolve("/x")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("the upstream server could not be reached or failed");
        }
    }

    @Test
    void refusesWithoutForwardingAndKeepsTheConnectionForTheNextRequest() {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pat_notatoken\r\n"
                        + "Content-Length: 5\r\n\r\nhello"
                        + "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(answer.text()).contains("application/problem+json").contains("HTTP/1.1 200 OK");
        assertThat(plane.upstream().received())
                .extracting(RecordingUpstream.Received::path)
                .containsExactly("/after");
    }

    @Test
    void neverSends100ContinueForARefusedRequest() {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "POST /rest/api/2/issue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pat_notatoken\r\n"
                        + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");

        assertThat(answer.status()).as(answer.text()).isEqualTo(401);
        assertThat(answer.text()).doesNotContain("100 Continue");
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void forwardsATokenRequestAsItsOwnerWithoutTheToken() throws Exception {
        String token = plane.node().token(Scope.READ_WRITE);

        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(plane.node().base().resolve("/rest/api/2/myself"))
                        .header("Authorization", "Bearer " + token)
                        .header("X-Forwarded-User", "someone-else")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        RecordingUpstream.Received received = plane.upstream().last();
        assertThat(received.header("X-Forwarded-User")).containsExactly("admin");
        assertThat(received.headers().toString()).doesNotContain(token);
    }

    @Test
    void refusesAReadOnlyTokenAWrite() throws Exception {
        String token = plane.node().token(Scope.READ_ONLY);

        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(plane.node().base().resolve("/rest/api/2/issue"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(plane.upstream().received()).isEmpty();
    }

    @Test
    void relaysSeveralRequestsOnOneConnectionToItsOwnServer() {
        RawHttp.RawAnswer answer = RawHttp.send(
                plane.node().base(),
                "GET /.patgate/a HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /.patgate/b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                        + "HEAD /.patgate/c HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /.PATGATE/d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer.text().split("HTTP/1.1 200 OK", -1)).as(answer.text()).hasSize(5);
        assertThat(answer.text())
                .contains(" /.patgate/a")
                .contains(" /.patgate/b")
                .contains(" /.PATGATE/d");
        assertThat(plane.upstream().received()).isEmpty();
    }
}
