package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.cluster.NodeKilledIT.NodeUpstream;
import org.patgate.server.http.Json;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.ServeProcess;

/**
 * Fault "rolling upgrade": the previous release's jar ({@link PreviousRelease#COMMIT}, schema V13,
 * built from this repository's history) beside this one on one PostgreSQL, each node started as
 * admins start it ({@code bin/patgate serve}). The old node makes the schema; the new node migrates it
 * to the newest version while the old one serves; both serve the same tokens, each through its own
 * port; tokens created on either work on the other; a revocation on either reaches the other within
 * that node's {@code tokens.cacheTtl} (the old version publishes and hears no change notices); the
 * old node, restarted on the newer schema, starts and serves; and every request either version let
 * through is in the tokens' hourly request counts.
 */
@PostgresTest
class RollingUpgradeIT {

    private static final String ADMIN_PASSWORD = "rolling-upgrade-admin-password";
    /** Short, to keep the test fast: the only way a change reaches an old node, or leaves one. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);
    /** A busy machine's delay on top of the cache time: a request, a database read. */
    private static final Duration MARGIN = Duration.ofMillis(1500);

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path NEW_LAUNCHER = REPOSITORY.resolve("bin").resolve("patgate");
    private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "migration");

    @TempDir
    Path dir;

    /** Requests each token was let through with, by token id, on any node. */
    private final Map<String, Integer> answered = new ConcurrentHashMap<>();

    @Test
    void thePreviousReleaseAndThisOneServeTheSameTokensOnOneSchemaWhileTheUpgradeRolls() throws Exception {
        long started = System.nanoTime();
        Path oldLauncher = new PreviousRelease(REPOSITORY, Path.of("target").toAbsolutePath()).launcher();
        long built = System.nanoTime();
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        try (NodeUpstream upstreamOld = new NodeUpstream("old");
                NodeUpstream upstreamNew = new NodeUpstream("new");
                Node old = Node.start(oldLauncher, dir, "old", upstreamOld, db)) {
            assertThat(schemaVersion(db)).as("the old node made the schema").isEqualTo(13);
            Token first = Token.create(old, "made-on-old");
            assertThat(use(old, first)).isEqualTo("old");

            try (Node upgraded = Node.start(NEW_LAUNCHER, dir, "new", upstreamNew, db)) {
                assertThat(schemaVersion(db)).as("the new node migrated it").isEqualTo(newestMigration());
                // Both serve the same tokens, each through its own port, the old one on the newer schema.
                assertThat(use(upgraded, first)).isEqualTo("new");
                assertThat(use(old, first)).isEqualTo("old");
                Token second = Token.create(upgraded, "made-on-new");
                assertThat(use(old, second)).isEqualTo("old");
                assertThat(use(upgraded, second)).isEqualTo("new");

                // Revoked on the new node: refused there at once, on the old one when its cache expires.
                assertThat(use(old, first)).isEqualTo("old");
                Duration oldRefused = revokeAndAwaitRefusal(upgraded, old, first);
                System.out.println("rolling upgrade: revoked on the new node, refused on the old one after "
                        + oldRefused.toMillis() + " ms");
                // Revoked on the old node (no notice): the new node refuses it when its cache expires.
                assertThat(use(upgraded, second)).isEqualTo("new");
                Duration newRefused = revokeAndAwaitRefusal(old, upgraded, second);
                System.out.println("rolling upgrade: revoked on the old node, refused on the new one after "
                        + newRefused.toMillis() + " ms");

                // The old node restarted on the newer schema: its Flyway ignores the migrations it does not know.
                old.stop();
                try (Node restarted = Node.start(oldLauncher, dir, "old-again", upstreamOld, db)) {
                    Token third = Token.create(restarted, "made-on-old-again");
                    assertThat(use(restarted, third)).isEqualTo("old");
                    assertThat(use(upgraded, third)).isEqualTo("new");
                    Token fourth = Token.create(upgraded, "made-on-new-again");
                    assertThat(use(restarted, fourth)).isEqualTo("old");
                    assertThat(schemaVersion(db)).isEqualTo(newestMigration());
                }
            }
        }
        // Every node has stopped as an operator stops it, so each wrote its activity: the old nodes
        // theirs into the newer schema.
        assertThat(recordedRequests(db)).as("requests recorded per token").isEqualTo(answered);
        System.out.println("rolling upgrade: previous release ready in "
                + Duration.ofNanos(built - started).toSeconds() + " s, nodes and checks in "
                + Duration.ofNanos(System.nanoTime() - built).toSeconds() + " s");
    }

    /** Revokes {@code token} through {@code on}; returns how long {@code other} went on accepting it. */
    private Duration revokeAndAwaitRefusal(Node on, Node other, Token token) throws Exception {
        HttpResponse<String> revoked = on.send("DELETE", "/.patgate/api/v1/tokens/" + token.id(), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        long at = System.nanoTime();
        assertThat(status(on, token)).as("refused at once where it was revoked").isEqualTo(401);
        long deadline = at + CACHE_TTL.plus(MARGIN).toNanos();
        while (status(other, token) != 401) {
            assertThat(System.nanoTime())
                    .as("refused within tokens.cacheTtl (" + CACHE_TTL.toMillis() + " ms) plus " + MARGIN.toMillis()
                            + " ms")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - at);
    }

    /** Uses the token through the node; returns which upstream answered. */
    private String use(Node node, Token token) throws Exception {
        HttpResponse<String> answer = node.request("GET", "/rest/api/2/myself", token.secret());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        answered.merge(token.id(), 1, Integer::sum);
        return answer.body();
    }

    private int status(Node node, Token token) throws Exception {
        int status = node.request("GET", "/rest/api/2/myself", token.secret()).statusCode();
        if (status == 200) {
            answered.merge(token.id(), 1, Integer::sum);
        }
        return status;
    }

    private static Map<String, Integer> recordedRequests(PostgresFixture.TestDatabase db) throws Exception {
        Map<String, Integer> recorded = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement query = connection.prepareStatement(
                        "SELECT token_id, SUM(requests) FROM token_usage_hourly GROUP BY token_id");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                recorded.put(rows.getString(1), rows.getInt(2));
            }
        }
        return recorded;
    }

    private static int schemaVersion(PostgresFixture.TestDatabase db) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement query = connection.prepareStatement(
                        "SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success");
                ResultSet row = query.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    /** The highest {@code V<n>__} among this version's migrations. */
    private static int newestMigration() throws IOException {
        Pattern version = Pattern.compile("^V(\\d+)__.*\\.sql$");
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            return files.map(file -> version.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(matcher -> Integer.parseInt(matcher.group(1)))
                    .max()
                    .orElseThrow();
        }
    }

    /** A token: its id and its secret. */
    record Token(String id, String secret) {
        static Token create(Node node, String name) throws Exception {
            HttpResponse<String> created =
                    node.send("POST", "/.patgate/api/v1/tokens", Map.of("name", name, "scope", "read-only"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            var json = Json.MAPPER.readTree(created.body());
            return new Token(json.get("id").asText(), json.get("token").asText());
        }
    }

    /** A node process started with a release's {@code bin/patgate serve}; closing it stops it with SIGTERM. */
    record Node(ServeProcess process) implements AutoCloseable {

        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        static Node start(Path launcher, Path dir, String name, NodeUpstream upstream, PostgresFixture.TestDatabase db)
                throws Exception {
            // Only keys the previous release knows: both versions read the same file.
            String config = """
                    listen: { host: 127.0.0.1, port: 0 }
                    upstream: { url: "%s" }
                    database: { url: "%s", username: "%s" }
                    tokens: { pepperFile: "%s", cacheTtl: %dms }
                    """.formatted(
                            upstream.url(), db.jdbcUrl(), db.username(), dir.resolve("pepper"), CACHE_TTL.toMillis());
            return new Node(ServeProcess.start(
                    launcher,
                    dir.resolve(name),
                    config,
                    Map.of(
                            "PATGATE_BOOTSTRAP_ADMINPASSWORD",
                            ADMIN_PASSWORD,
                            "PATGATE_DATABASE_PASSWORD",
                            db.password()),
                    Duration.ofSeconds(120)));
        }

        URI base() {
            return process.base();
        }

        HttpResponse<String> send(String method, String path, Object body) throws Exception {
            String admin = "Basic "
                    + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
            HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path))
                    .header("Authorization", admin)
                    .timeout(Duration.ofSeconds(30));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> request(String method, String path, String token) throws Exception {
            return HTTP.send(
                    HttpRequest.newBuilder(base().resolve(path))
                            .header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(30))
                            .method(method, HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void stop() throws InterruptedException {
            process.stop();
        }

        @Override
        public void close() throws InterruptedException {
            process.stop();
        }
    }
}
