package org.patgate.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway in front of a {@link RecordingUpstream}, with users alice (read-only and read-write
 * tokens) and bob, for end-to-end gateway tests over loopback sockets.
 */
public final class GatewayFixture implements AutoCloseable {

    public static final String ALICE_PASSWORD = "alice-password-123";

    public final RecordingUpstream upstream;
    public final TestServer server;
    public final String readOnly;
    public final String readWrite;
    public final String readWriteId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public GatewayFixture(Path dir, Map<String, String> extraEnv) throws Exception {
        upstream = new RecordingUpstream();
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putIfAbsent("PATGATE_UPSTREAM_URL", upstream.url()); // a test may put another upstream in front
        server = TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env);
        server.createUser("alice", ALICE_PASSWORD);
        readOnly = createToken("read-only", List.of());
        var rw = server.call("POST", "/.patgate/api/v1/tokens", "alice", ALICE_PASSWORD,
                Map.of("name", "rw", "scope", "read-write")).json();
        readWrite = rw.get("token").asText();
        readWriteId = rw.get("id").asText();
        upstream.clear();
    }

    public String createToken(String scope, List<String> allowedIps) {
        var created = server.call("POST", "/.patgate/api/v1/tokens", "alice", ALICE_PASSWORD,
                Map.of("name", "t-" + System.nanoTime(), "scope", scope, "allowedIps", allowedIps));
        if (created.status() != 201) {
            throw new AssertionError(created.body());
        }
        return created.json().get("token").asText();
    }

    public URI base() {
        return server.baseUri();
    }

    /** A request through the gateway with the JDK client. */
    public TestServer.Answer send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new TestServer.Answer(response.statusCode(), response.headers(), response.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + pathAndQuery + ": " + e, e);
        }
    }

    public TestServer.Answer bearer(String method, String pathAndQuery, String token) {
        return send(method, pathAndQuery, Map.of("Authorization", "Bearer " + token), null);
    }

    @Override
    public void close() throws Exception {
        server.close();
        upstream.close();
    }
}
