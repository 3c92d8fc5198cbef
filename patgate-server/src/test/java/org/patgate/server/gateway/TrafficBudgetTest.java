package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.http.Json;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.SlowUploads;

/**
 * Each traffic limit on its own, over HTTP/1.1 and HTTP/2 (h2c), with tiny limits: 4 upstream
 * connections, 2 for anonymous traffic, 2 exchanges per client address and budget, a 500 ms wait
 * for a connection, bodies at 100 bytes/s after a 1 s grace. Exchanges are held open with the
 * upstream's {@code /test/held}, released by the test once it has checked what it
 * checks while they are open; client addresses come through a trusted proxy.
 */
@org.junit.jupiter.api.Tag("alone")
@EndToEndTest
class TrafficBudgetTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of(
                    "PATGATE_TRUSTEDPROXIES", "127.0.0.1/32",
                    "PATGATE_LIMITS_UPSTREAMCONNECTIONS", "4",
                    "PATGATE_LIMITS_ANONYMOUSEXCHANGES", "2",
                    "PATGATE_LIMITS_CLIENTEXCHANGES", "2",
                    "PATGATE_LIMITS_UPSTREAMWAIT", "500ms",
                    "PATGATE_LIMITS_MINREQUESTBODYRATE", "100",
                    "PATGATE_LIMITS_REQUESTBODYGRACE", "1s"))
            .build();

    static HttpClient http1;
    static HttpClient http2;

    @BeforeAll
    static void start() throws Exception {
        http1 = new HttpClient(new HttpClientTransportOverHTTP());
        http2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        http1.start();
        http2.start();
    }

    @AfterAll
    static void stop() throws Exception {
        http1.stop();
        http2.stop();
        gw.close();
    }

    @AfterEach
    void everyHeldExchangeIsGivenBack() throws InterruptedException {
        gw.upstream.releaseHeld(); // a test that failed before its own release
        for (int i = 0; i < 100 && limits().get("upstreamConnectionsInUse").asInt() > 0; i++) {
            Thread.sleep(100);
        }
        assertThat(limits().get("upstreamConnectionsInUse").asInt()).isZero();
        assertThat(limits().get("anonymousExchanges").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/2"})
    void theNextExchangeFromOneAddressIsRefusedAtOnceWith429WhileOtherAddressesAndBudgetsPass(String protocol)
            throws Exception {
        List<CompletableFuture<ContentResponse>> held = hold(protocol, gw.readWrite(), "203.0.113.1", "203.0.113.1");

        ContentResponse refused = send(protocol, "/rest/api/2/myself", gw.readWrite(), "203.0.113.1")
                .get(5, TimeUnit.SECONDS);

        assertThat(held).noneMatch(CompletableFuture::isDone);
        assertLimitProblem(refused, 429, "limits.clientExchanges");
        assertThat(send(protocol, "/rest/api/2/myself", gw.readWrite(), "203.0.113.2")
                        .get(5, TimeUnit.SECONDS)
                        .getStatus())
                .as("another address")
                .isEqualTo(200);
        assertThat(send(protocol, "/anything", null, "203.0.113.1")
                        .get(5, TimeUnit.SECONDS)
                        .getStatus())
                .as("the same address without a token: its own budget")
                .isEqualTo(200);
        assertAllSucceed(held);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/2"})
    void anonymousTrafficCannotTakeTheConnectionsTokensNeed(String protocol) throws Exception {
        List<CompletableFuture<ContentResponse>> held = hold(protocol, null, "198.51.100.1", "198.51.100.2");

        ContentResponse refused =
                send(protocol, "/anything", null, "198.51.100.3").get(5, TimeUnit.SECONDS);

        assertLimitProblem(refused, 503, "limits.anonymousExchanges");
        List<CompletableFuture<ContentResponse>> tokens = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            tokens.add(send(protocol, "/rest/api/2/myself", gw.readWrite(), "198.51.100.3"));
        }
        for (CompletableFuture<ContentResponse> token : tokens) {
            assertThat(token.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
        assertThat(held).noneMatch(CompletableFuture::isDone);
        assertAllSucceed(held);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/2"})
    void waitingForAnUpstreamConnectionIsBoundedAndAnswered503(String protocol) throws Exception {
        List<CompletableFuture<ContentResponse>> held = new ArrayList<>(hold(protocol, null, "192.0.2.1", "192.0.2.2"));
        held.addAll(hold(protocol, gw.readWrite(), "192.0.2.3", "192.0.2.4"));
        long before = limits().get("refused").get("upstreamWait").asLong();

        long start = System.nanoTime();
        ContentResponse refused = send(protocol, "/rest/api/2/myself", gw.readWrite(), "192.0.2.5")
                .get(5, TimeUnit.SECONDS);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertLimitProblem(refused, 503, "limits.upstreamWait");
        assertThat(waited).as("it waited for a connection, bounded").isGreaterThanOrEqualTo(Duration.ofMillis(450));
        assertThat(held).as("answered while every connection was still busy").noneMatch(CompletableFuture::isDone);
        assertThat(limits().get("refused").get("upstreamWait").asLong()).isEqualTo(before + 1);
        assertAllSucceed(held);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/2"})
    void aTrickledBodyIsCutWith408(String protocol) throws Exception {
        long before = limits().get("refused").get("slowRequestBodies").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();

        int status;
        if (protocol.equals("HTTP/1.1")) {
            status = SlowUploads.http1(gw.base(), "/upload", "192.0.2.10", Duration.ofMillis(200), deadline);
        } else {
            HTTP2Client client = new HTTP2Client();
            client.start();
            try {
                Session session = SlowUploads.connect(client, gw.base());
                status = SlowUploads.http2(
                        session, gw.base(), "/upload", "192.0.2.10", Duration.ofMillis(200), deadline);
            } finally {
                client.stop();
            }
        }

        assertThat(status).isEqualTo(408);
        assertThat(limits().get("refused").get("slowRequestBodies").asLong()).isGreaterThan(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rest/api/2/issue", "/.patgate/api/v1/tokens", "/.patgate/login"})
    void aTrickledBodyIsCutWhoeverReadsIt(String path) {
        int status = SlowUploads.http1(
                gw.base(),
                path,
                "192.0.2.11",
                Duration.ofMillis(200),
                System.nanoTime() + Duration.ofSeconds(10).toNanos());

        assertThat(status).as("a slow body to %s is answered, not held", path).isIn(400, 401, 403, 408, 413, 415);
    }

    @org.junit.jupiter.api.Test
    void aBodyThatNeverComesIsCutWith408AfterTheGrace() throws Exception {
        try (Socket socket = new Socket(gw.base().getHost(), gw.base().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("POST /upload HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.13\r\n"
                                    + "Content-Length: 1000\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();

            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);

            assertThat(answer).isEqualTo("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("cut after the 1 s grace, not the idle timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900))
                    .isLessThan(Duration.ofSeconds(8));
        }
    }

    @org.junit.jupiter.api.Test
    void aTrickledBodyToTheManagementApiIs408NotA500() {
        String credentials =
                "Authorization: " + org.patgate.server.testing.TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n";

        int status = SlowUploads.http1(
                gw.base(),
                "/.patgate/api/v1/tokens",
                "192.0.2.12",
                credentials,
                Duration.ofMillis(200),
                System.nanoTime() + Duration.ofSeconds(10).toNanos());

        assertThat(status).isEqualTo(408);
    }

    private static List<CompletableFuture<ContentResponse>> hold(String protocol, String token, String... addresses)
            throws InterruptedException {
        int inUse = limits().get("upstreamConnectionsInUse").asInt();
        long arrived = heldAtTheUpstream();
        List<CompletableFuture<ContentResponse>> held = new ArrayList<>();
        for (String address : addresses) {
            held.add(send(protocol, "/test/held", token, address));
        }
        // Until the upstream holds them too, so that the test's release reaches every one.
        for (int i = 0;
                i < 100
                        && (limits().get("upstreamConnectionsInUse").asInt() < inUse + addresses.length
                                || heldAtTheUpstream() < arrived + addresses.length);
                i++) {
            Thread.sleep(20);
        }
        assertThat(limits().get("upstreamConnectionsInUse").asInt()).isEqualTo(inUse + addresses.length);
        assertThat(heldAtTheUpstream()).isEqualTo(arrived + addresses.length);
        return held;
    }

    private static long heldAtTheUpstream() {
        return gw.upstream.received().stream()
                .filter(r -> r.path().equals("/test/held"))
                .count();
    }

    private static CompletableFuture<ContentResponse> send(String protocol, String path, String token, String address) {
        HttpClient client = protocol.equals("HTTP/2") ? http2 : http1;
        var request = client.newRequest(gw.base().resolve(path))
                .timeout(10, TimeUnit.SECONDS)
                .headers(h -> {
                    h.put("X-Forwarded-For", address);
                    if (token != null) {
                        h.put("Authorization", "Bearer " + token);
                    }
                });
        return new CompletableResponseListener(request).send();
    }

    private static void assertLimitProblem(ContentResponse response, int status, String key) throws Exception {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getHeaders().get("Retry-After")).isEqualTo("1");
        assertThat(response.getMediaType()).isEqualTo("application/problem+json");
        JsonNode problem = Json.MAPPER.readTree(response.getContentAsString());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(key);
    }

    private static void assertAllSucceed(List<CompletableFuture<ContentResponse>> held) throws Exception {
        gw.upstream.releaseHeld();
        for (CompletableFuture<ContentResponse> exchange : held) {
            assertThat(exchange.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
    }

    private static JsonNode limits() {
        return gw.send("GET", "/.patgate/health", Map.of(), null).json().get("limits");
    }
}
