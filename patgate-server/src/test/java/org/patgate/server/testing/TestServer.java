package org.patgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.http.Json;

/**
 * A real PATgate node on an ephemeral loopback port for tests, configured through the same env
 * overrides an operator uses, plus a small HTTP client that speaks to it over the socket.
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    /** The data plane every test server uses unless a test sets {@code PATGATE_LISTEN_DATAPLANE} itself. */
    public static final String DATA_PLANE = System.getProperty("patgate.test.dataPlane", "netty");

    private final PatgateServer server;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> announcements = new ArrayList<>();
    private final Map<String, String> env;

    private final MutableClock clock = MutableClock.startingNow();

    private TestServer(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.server = PatgateServer.start(PatgateConfig.load(null, env), announcements::add, clock);
    }

    /** The server's clock; move it to expire tokens without sleeping. */
    public MutableClock clock() {
        return clock;
    }

    /** A server on an H2 file database in {@code dir}. */
    public static TestServer h2(Path dir) {
        return start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", Map.of());
    }

    /** A server on {@code backend}: an H2 file in {@code dir}, or a fresh database on the embedded PostgreSQL. */
    public static TestServer on(Backend backend, Path dir) {
        if (backend == Backend.H2) {
            return h2(dir);
        }
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        return start(dir, db.jdbcUrl(), db.username(), db.password(), Map.of());
    }

    /** A server on the given database with extra env overrides. */
    public static TestServer start(
            Path dir, String jdbcUrl, String dbUser, String dbPassword, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_LISTEN_HOST", "127.0.0.1");
        env.put("PATGATE_LISTEN_PORT", "0");
        env.put("PATGATE_DATABASE_URL", jdbcUrl);
        env.put("PATGATE_DATABASE_USERNAME", dbUser);
        env.put("PATGATE_DATABASE_PASSWORD", dbPassword);
        env.put(
                "PATGATE_TOKENS_PEPPERFILE",
                dir.resolve("pepper").toAbsolutePath().toString());
        env.put("PATGATE_BOOTSTRAP_ADMINPASSWORD", ADMIN_PASSWORD);
        // -Dpatgate.test.dataPlane=jetty runs a test on the other data plane.
        env.put("PATGATE_LISTEN_DATAPLANE", DATA_PLANE);
        env.putAll(extra);
        return new TestServer(env);
    }

    public PatgateServer server() {
        return server;
    }

    public Map<String, String> env() {
        return env;
    }

    public List<String> announcements() {
        return announcements;
    }

    public URI baseUri() {
        return server.baseUri();
    }

    /** An HTTP answer with its body parsed as JSON when it is JSON. */
    public record Answer(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String contentType() {
            return headers.firstValue("content-type").orElse("");
        }
    }

    public Answer call(String method, String path, String user, String password, Object jsonBody) {
        String body = jsonBody == null
                ? null
                : jsonBody instanceof String s ? s : new String(Json.write(jsonBody), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        if (user != null) {
            headers.put("Authorization", basic(user, password));
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return raw(method, path, headers, body);
    }

    public Answer raw(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Answer asAdmin(String method, String path, Object body) {
        return call(method, path, ADMIN, ADMIN_PASSWORD, body);
    }

    /** Creates a local user through the API and fails the test if that does not work. */
    public void createUser(String username, String password, String... groups) {
        Answer answer = asAdmin(
                "POST",
                "/.patgate/api/v1/users",
                Map.of("username", username, "password", password, "groups", List.of(groups)));
        if (answer.status() != 201) {
            throw new AssertionError("creating user " + username + ": " + answer.status() + " " + answer.body());
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
