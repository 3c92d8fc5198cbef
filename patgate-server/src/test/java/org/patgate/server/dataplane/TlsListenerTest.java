package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.http.Json;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestCertificates;
import org.patgate.server.testing.TestServer;

/**
 * The Netty data plane with {@code listen.tls}: tokens, the management API and health are served over
 * TLS on the one port, the upstream learns the client came over {@code https}, ALPN decides between
 * h2 and HTTP/1.1 (and a client cannot speak the other one after the handshake), and nothing is
 * served in clear.
 */
@EndToEndTest
class TlsListenerTest {

    @TempDir
    static Path dir;

    static RecordingUpstream upstream;
    static TestServer node;
    static HttpClient https;
    static SSLContext trusting;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates ca = TestCertificates.authority("PATgate test CA");
        TestCertificates.Issued leaf = ca.issue("localhost", TestCertificates.Algorithm.EC);
        Path chain = TestCertificates.writeCertificates(dir.resolve("chain.pem"), leaf.chain());
        Path key = TestCertificates.writePkcs8(dir.resolve("key.pem"), leaf.privateKey());
        upstream = new RecordingUpstream();
        node = TestServer.start(
                dir,
                "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of(
                        "PATGATE_UPSTREAM_URL", upstream.url(),
                        "PATGATE_LISTEN_DATAPLANE", "netty",
                        "PATGATE_LISTEN_TLS_CERTIFICATE", chain.toString(),
                        "PATGATE_LISTEN_TLS_KEY", key.toString()));
        SSLContext context = ca.trustingContext();
        trusting = context;
        https = HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        assertThat(send(
                                "POST",
                                "/.patgate/api/v1/users",
                                basic(TestServer.ADMIN, TestServer.ADMIN_PASSWORD),
                                "{\"username\":\"alice\",\"password\":\"alice-password-123\",\"displayName\":\"Alice\","
                                        + "\"email\":\"alice@example.invalid\",\"groups\":[]}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> created = send(
                "POST",
                "/.patgate/api/v1/tokens",
                basic("alice", "alice-password-123"),
                "{\"name\":\"over tls\",\"scope\":\"read-write\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        token = Json.MAPPER.readTree(created.body()).get("token").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        upstream.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> send(String method, String path, String authorization, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", authorization)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenRequestIsForwardedAndTheUpstreamLearnsItCameOverHttps() throws Exception {
        assertThat(node.baseUri().getScheme()).isEqualTo("https");
        HttpResponse<String> answer = send("GET", "/rest/api/2/myself", "Bearer " + token, null);

        assertThat(answer.statusCode()).isEqualTo(200);
        // ALPN offered h2 and http/1.1; the plane chose h2.
        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(upstream.last().header("X-Forwarded-User")).containsExactly("alice");
        assertThat(upstream.last().header("X-Forwarded-Proto")).containsExactly("https");
        assertThat(upstream.last().header("Authorization")).isEmpty();
    }

    @Test
    void healthOverTlsNamesTheProviderAndTheCertificateExpiry() throws Exception {
        HttpResponse<String> health = send("GET", "/.patgate/health", "Basic eDp5", null);

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode plane = Json.MAPPER.readTree(health.body()).get("dataPlane");
        assertThat(plane.get("engine").asText()).isEqualTo("netty");
        assertThat(plane.get("tls").get("provider").asText()).isNotBlank();
        assertThat(plane.get("tls").get("certificateExpires").asText()).isNotBlank();
    }

    @Test
    void pagesServedBehindTheDataPlaneKnowTheyAreServedOverTls() throws Exception {
        HttpResponse<String> login = https.send(
                HttpRequest.newBuilder(URI.create(node.baseUri() + "/.patgate/login"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.version()).isEqualTo(HttpClient.Version.HTTP_2);
        // The sign-in cookie of a page reached over TLS is __Secure- prefixed and Secure.
        assertThat(login.headers().allValues("set-cookie"))
                .anySatisfy(cookie ->
                        assertThat(cookie).startsWith("__Secure-patgate-login=").contains("Secure"));
    }

    @Test
    void aRefusedRequestOverH2IsA401ProblemAndNothingGoesUpstream() throws Exception {
        int before = upstream.received().size();
        HttpResponse<String> answer = send("GET", "/rest/api/2/myself", "Bearer pat_notatoken", null);

        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void aClientOfferingOnlyHttp11GetsHttp11() throws Exception {
        HttpClient http11 = HttpClient.newBuilder()
                .sslContext(trusting)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> answer = http11.send(
                HttpRequest.newBuilder(URI.create(node.baseUri() + "/rest/api/2/myself"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(upstream.last().header("X-Forwarded-User")).containsExactly("alice");
    }

    @Test
    void aClientThatAgreedOnHttp11CannotSwitchToH2ByThePreface() throws Exception {
        int before = upstream.received().size();
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        // An empty SETTINGS frame, then a request would follow: it is never read as HTTP/2.
        byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};

        String answer = new String(exchange("http/1.1", preface, settings), StandardCharsets.ISO_8859_1);

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void aClientThatAgreedOnH2MustSpeakH2() throws Exception {
        int before = upstream.received().size();
        byte[] http11 = ("GET /rest/api/2/myself HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        byte[] answer = exchange("h2", http11);

        // The server's connection preface (a SETTINGS frame), then the connection ends: no HTTP/1.1 answer.
        assertThat(answer.length).isGreaterThanOrEqualTo(9);
        assertThat(answer[3]).as("first frame type").isEqualTo((byte) 4);
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
        assertThat(upstream.received()).hasSize(before);
    }

    /** Connects offering only {@code alpn}, checks it was agreed, writes {@code parts}, reads to the end. */
    private static byte[] exchange(String alpn, byte[]... parts) throws IOException {
        try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory()
                .createSocket("127.0.0.1", node.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {alpn});
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo(alpn);
            for (byte[] part : parts) {
                socket.getOutputStream().write(part);
            }
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = socket.getInputStream().read(buffer);
                        n >= 0 && read.size() < 1 << 20;
                        n = socket.getInputStream().read(buffer)) {
                    read.write(buffer, 0, n);
                }
            } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
                // The server may end the connection abruptly after its answer: what came before counts.
            }
            return read.toByteArray();
        }
    }

    @Test
    void nothingIsServedInClearText() {
        URI clear = URI.create("http://127.0.0.1:" + node.baseUri().getPort() + "/rest/api/2/myself");
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(clear)
                                        .header("Authorization", "Bearer " + token)
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
