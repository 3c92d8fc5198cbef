package org.patgate.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * A real PATgate node on an ephemeral loopback port for the duration of a test class (registered
 * on a static field) or of each test (registered on an instance field), on an H2 file database in a
 * scratch directory of its own, deleted afterwards:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningServer server = RunningServer.builder()
 *         .env("PATGATE_API_MAXBODYBYTES", "2048")
 *         .user("alice", "alice-password-123", "developers")
 *         .build();
 * }</pre>
 *
 * Between start and stop it answers like {@link TestServer}: the server's URLs, calls as any user
 * or as the bootstrap admin, helpers that create users and tokens. Not thread-safe to start or
 * stop; safe to call from tests running at once once started.
 */
public final class RunningServer extends NodeLifecycle {

    public static final String ADMIN = TestServer.ADMIN;
    public static final String ADMIN_PASSWORD = TestServer.ADMIN_PASSWORD;

    private record User(String name, String password, List<String> groups) {}

    private final Map<String, String> env;
    private final List<User> users;
    private final boolean withUpstream;
    private RecordingUpstream upstream;
    private Path dir;
    private TestServer node;

    private RunningServer(Builder builder) {
        this.env = Map.copyOf(builder.env);
        this.users = List.copyOf(builder.users);
        this.withUpstream = builder.withUpstream;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the node starts with: env overrides an operator would set, and local users. */
    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<User> users = new ArrayList<>();
        private boolean withUpstream;

        private Builder() {}

        /** Puts a {@link RecordingUpstream} behind the node, started and stopped with it. */
        public Builder withUpstream() {
            withUpstream = true;
            return this;
        }

        /** An env override, as {@code PATGATE_…} variables are read at start. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> overrides) {
            env.putAll(overrides);
            return this;
        }

        /** A local user created through the admin API right after start. */
        public Builder user(String name, String password, String... groups) {
            users.add(new User(name, password, List.of(groups)));
            return this;
        }

        public RunningServer build() {
            return new RunningServer(this);
        }
    }

    /** Starts the node now; the callbacks call this, and {@link RunningGateway} before adding its own set-up. */
    void start() {
        try {
            dir = Files.createTempDirectory("patgate-server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new LinkedHashMap<>(env);
        if (withUpstream) {
            try {
                upstream = new RecordingUpstream();
            } catch (Exception e) {
                throw new IllegalStateException("the recording upstream did not start", e);
            }
            all.putIfAbsent("PATGATE_UPSTREAM_URL", upstream.url());
        }
        node = TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", all);
        users.forEach(user ->
                node.createUser(user.name(), user.password(), user.groups().toArray(String[]::new)));
    }

    /** Takes over a node started elsewhere (in a directory the caller owns) and creates the users. */
    void attach(TestServer started) {
        node = started;
        users.forEach(user ->
                node.createUser(user.name(), user.password(), user.groups().toArray(String[]::new)));
    }

    /** The env overrides this extension starts nodes with. */
    Map<String, String> configuredEnv() {
        return env;
    }

    void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            node = null;
            try {
                closeUpstream();
            } finally {
                FileTrees.deleteQuietly(dir);
                dir = null;
            }
        }
    }

    private void closeUpstream() {
        try {
            if (upstream != null) {
                upstream.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the recording upstream did not stop", e);
        } finally {
            upstream = null;
        }
    }

    private TestServer node() {
        if (node == null) {
            throw new IllegalStateException("the server runs only between the extension's before and after callbacks");
        }
        return node;
    }

    /** The upstream behind the node, when built {@link Builder#withUpstream() with one}. */
    public RecordingUpstream upstream() {
        node();
        if (upstream == null) {
            throw new IllegalStateException("this server was built without an upstream");
        }
        return upstream;
    }

    /** The scratch directory of the running node (database, pepper file). */
    public Path dir() {
        node();
        return dir;
    }

    public PatgateServer server() {
        return node().server();
    }

    public MutableClock clock() {
        return node().clock();
    }

    public Map<String, String> env() {
        return node().env();
    }

    public List<String> announcements() {
        return node().announcements();
    }

    public URI baseUri() {
        return node().baseUri();
    }

    /** The absolute URL of {@code path} on this node. */
    public URI url(String path) {
        return URI.create(baseUri() + path);
    }

    public Answer call(String method, String path, String user, String password, Object jsonBody) {
        return node().call(method, path, user, password, jsonBody);
    }

    public Answer raw(String method, String path, Map<String, String> headers, String body) {
        return node().raw(method, path, headers, body);
    }

    /** A call as the bootstrap admin. */
    public Answer asAdmin(String method, String path, Object body) {
        return node().asAdmin(method, path, body);
    }

    /** Creates a local user through the API and fails the test if that does not work. */
    public void createUser(String username, String password, String... groups) {
        node().createUser(username, password, groups);
    }

    /**
     * Creates a token as {@code user} through the API, failing the test if that does not work, and
     * answers the created token's JSON (its {@code token} is the secret, shown once).
     */
    public com.fasterxml.jackson.databind.JsonNode createToken(String user, String password, Map<String, ?> body) {
        Answer created = call("POST", "/.patgate/api/v1/tokens", user, password, body);
        if (created.status() != 201) {
            throw new AssertionError("creating a token for " + user + ": " + created.status() + " " + created.body());
        }
        return created.json();
    }

    public static String basic(String user, String password) {
        return TestServer.basic(user, password);
    }

    @Override
    boolean running() {
        return node != null;
    }

    @Override
    void startNode() {
        start();
    }

    @Override
    void stopNode() {
        stop();
    }
}
