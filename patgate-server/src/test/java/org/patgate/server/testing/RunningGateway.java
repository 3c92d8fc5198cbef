package org.patgate.server.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A gateway in front of a {@link RecordingUpstream}, with user alice holding a read-only and a
 * read-write token, for end-to-end gateway tests over loopback sockets. As an extension it runs for
 * the test class (static field) or for each test (instance field), like {@link RunningServer}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningGateway gw = RunningGateway.builder().env("PATGATE_UPSTREAM_READTIMEOUT", "1s").build();
 * }</pre>
 *
 * Tests that start nodes of their own (several nodes on one database, restarts) use
 * {@link #start(Path, Map)} and close what they get. The upstream's record is cleared before each
 * test.
 */
public final class RunningGateway extends NodeLifecycle implements AutoCloseable {

    public static final String ALICE_PASSWORD = "alice-password-123";

    public final RecordingUpstream upstream;
    public final RunningServer server;
    private final Path dir;
    private String readOnly;
    private String readWrite;
    private String readWriteId;

    private RunningGateway(Builder builder, Path dir) {
        try {
            upstream = new RecordingUpstream();
        } catch (Exception e) {
            throw new IllegalStateException("the recording upstream did not start", e);
        }
        if (!builder.ownUpstream) { // a test may put another upstream in front
            builder.server.env("PATGATE_UPSTREAM_URL", upstream.url());
        }
        this.dir = dir;
        this.server = builder.server.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the gateway starts with: env overrides an operator would set, local users besides alice. */
    public static final class Builder {
        private boolean ownUpstream;
        private final RunningServer.Builder server = RunningServer.builder().user("alice", ALICE_PASSWORD);

        private Builder() {}

        public Builder env(String name, String value) {
            ownUpstream |= name.equals("PATGATE_UPSTREAM_URL");
            server.env(name, value);
            return this;
        }

        public Builder env(Map<String, String> overrides) {
            overrides.forEach(this::env);
            return this;
        }

        /** A local user created through the admin API right after start, after alice. */
        public Builder user(String name, String password, String... groups) {
            server.user(name, password, groups);
            return this;
        }

        public RunningGateway build() {
            return new RunningGateway(this, null);
        }
    }

    /**
     * A gateway started now, its database and pepper in {@code dir} (so a second node started on the
     * same directory shares them); close it when done.
     */
    public static RunningGateway start(Path dir, Map<String, String> env) {
        RunningGateway gateway = new RunningGateway(builder().env(env), dir);
        gateway.startNode();
        return gateway;
    }

    @Override
    void startNode() {
        if (dir == null) {
            server.start();
        } else {
            server.attach(TestServer.start(
                    dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", server.configuredEnv()));
        }
        readOnly = createToken("read-only", List.of());
        var rw = server.createToken("alice", ALICE_PASSWORD, Map.of("name", "rw", "scope", "read-write"));
        readWrite = rw.get("token").asText();
        readWriteId = rw.get("id").asText();
        upstream.clear();
    }

    /** Alice's read-only token, created at start. */
    public String readOnly() {
        return readOnly;
    }

    /** Alice's read-write token, created at start. */
    public String readWrite() {
        return readWrite;
    }

    public String readWriteId() {
        return readWriteId;
    }

    /** A new token of alice's with the given scope and IP binding; answers its secret. */
    public String createToken(String scope, List<String> allowedIps) {
        return server.createToken(
                        "alice",
                        ALICE_PASSWORD,
                        Map.of("name", "t-" + System.nanoTime(), "scope", scope, "allowedIps", allowedIps))
                .get("token")
                .asText();
    }

    /** A new read-write token of alice's allowing only {@code methods} on {@code path}; answers its secret. */
    public String createRuledToken(List<String> methods, String path) {
        return server.createToken(
                        "alice",
                        ALICE_PASSWORD,
                        Map.of(
                                "name",
                                "t-" + System.nanoTime(),
                                "scope",
                                "read-write",
                                "rules",
                                Map.of("allow", List.of(Map.of("methods", methods, "path", path)))))
                .get("token")
                .asText();
    }

    public URI base() {
        return server.baseUri();
    }

    /** A request through the gateway with the JDK client (redirects not followed). */
    public TestServer.Answer send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        return server.raw(method, pathAndQuery, headers, body);
    }

    public TestServer.Answer bearer(String method, String pathAndQuery, String token) {
        return send(method, pathAndQuery, Map.of("Authorization", "Bearer " + token), null);
    }

    /** Stops the node and the upstream. */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            readOnly = null;
            try {
                upstream.close();
            } catch (Exception e) {
                throw new IllegalStateException("the recording upstream did not stop", e);
            }
        }
    }

    @Override
    boolean running() {
        return readOnly != null;
    }

    @Override
    void stopNode() {
        close();
    }

    @Override
    void beforeTest() {
        upstream.clear();
    }
}
