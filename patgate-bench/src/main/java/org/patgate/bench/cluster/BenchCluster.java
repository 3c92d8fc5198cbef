package org.patgate.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.patgate.bench.BenchPostgres;

/**
 * Three PATgate node processes (a, b, c) on one database of an embedded PostgreSQL, each with its own
 * upstream that answers with the node's name, and one {@link TcpBalancer} in front of them. Every
 * node caches token checks for ten minutes ({@code tokens.cacheTtl: 10m}), so only change propagation
 * can make a node refuse a token it has cached, and flushes activity every 500 ms. Node a starts first
 * (it migrates the schema and creates the administrator), then b and c together. {@link #close}
 * stops the nodes cleanly, then the balancer and the upstreams; the database is the caller's. Admin
 * calls are thread-safe; starting and stopping nodes is for one thread.
 */
public final class BenchCluster implements AutoCloseable {

    /** The activity flush interval of every node: the unit of the killed node's loss bound. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String API = "/.patgate/api/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A token as its creator sees it once: its id and its secret. */
    public record Token(String id, String secret) {}

    private final List<NodeProcess> nodes;
    private final List<NameUpstream> upstreams;
    private final TcpBalancer balancer;
    private final String adminAuthorization;
    private boolean closed;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BenchCluster(
            List<NodeProcess> nodes, List<NameUpstream> upstreams, TcpBalancer balancer, String adminPassword) {
        this.nodes = nodes;
        this.upstreams = upstreams;
        this.balancer = balancer;
        this.adminAuthorization = "Basic "
                + Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates database {@code database} on {@code postgres} and starts the three nodes with {@code
     * launcher} ({@code bin/patgate}), their files under {@code work}.
     */
    public static BenchCluster start(Path launcher, Path work, BenchPostgres postgres, String database)
            throws Exception {
        String url = postgres.createDatabase(database);
        SecureRandom random = new SecureRandom();
        byte[] pepper = new byte[32];
        random.nextBytes(pepper);
        Path pepperFile = work.resolve("pepper");
        Files.writeString(pepperFile, Base64.getEncoder().encodeToString(pepper), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(pepperFile, PosixFilePermissions.fromString("rw-------"));
        byte[] secret = new byte[12];
        random.nextBytes(secret);
        String adminPassword = "bench-" + HexFormat.of().formatHex(secret);
        Map<String, String> env = Map.of(
                "PATGATE_BOOTSTRAP_ADMINPASSWORD",
                adminPassword,
                "PATGATE_DATABASE_PASSWORD",
                postgres.password(),
                "PATGATE_HEAP",
                "256m",
                // three first starts of one jar would all write the same ahead-of-time cache file
                "PATGATE_AOT",
                "off");
        List<NameUpstream> upstreams = new ArrayList<>();
        List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
        // A benchmark ended early (interrupted, its script killed) must not leave nodes running.
        Thread reaper = new Thread(() -> nodes.forEach(NodeProcess::killNow));
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            for (String name : List.of("a", "b", "c")) {
                NameUpstream upstream = new NameUpstream(name);
                upstreams.add(upstream);
                nodes.add(NodeProcess.prepare(
                        launcher,
                        work.resolve("node-" + name),
                        name,
                        port -> """
                                listen: { host: 127.0.0.1, port: %d }
                                upstream: { url: "%s" }
                                database: { url: "%s", username: "%s", maxPoolSize: 4 }
                                tokens: { pepperFile: "%s", cacheTtl: 10m }
                                activity: { flushInterval: %dms }
                                cluster: { nodeId: "%s" }
                                """.formatted(
                                        port,
                                        upstream.url(),
                                        url,
                                        BenchPostgres.SUPERUSER,
                                        pepperFile,
                                        FLUSH_INTERVAL.toMillis(),
                                        name),
                        env));
            }
            nodes.getFirst().start(START_TIMEOUT);
            List<CompletableFuture<Void>> others = nodes.subList(1, nodes.size()).stream()
                    .map(node -> CompletableFuture.runAsync(() -> {
                        try {
                            node.start(START_TIMEOUT);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }))
                    .toList();
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
            TcpBalancer balancer =
                    new TcpBalancer(nodes.stream().map(NodeProcess::address).toList());
            return new BenchCluster(nodes, upstreams, balancer, adminPassword);
        } catch (Exception | Error e) {
            for (NodeProcess node : nodes) {
                node.stop();
            }
            upstreams.forEach(NameUpstream::close);
            throw e;
        }
    }

    /** Nodes a, b and c, in this order. */
    public List<NodeProcess> nodes() {
        return nodes;
    }

    public TcpBalancer balancer() {
        return balancer;
    }

    /** The balancer as a base URI. */
    public URI balanced() {
        return URI.create("http://127.0.0.1:" + balancer.port());
    }

    /** Creates a token for the administrator through {@code base} (a node or the balancer). */
    public Token createToken(URI base, String name) throws IOException, InterruptedException {
        HttpResponse<String> created =
                admin(base, "POST", API + "/tokens", "{\"name\":\"" + name + "\",\"scope\":\"read-only\"}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating a token answered " + created.statusCode());
        }
        JsonNode body = JSON.readTree(created.body());
        return new Token(body.get("id").asText(), body.get("token").asText());
    }

    /** Revokes token {@code id} on {@code base}; fails unless the node answered 2xx. */
    public void revoke(URI base, String id) throws IOException, InterruptedException {
        HttpResponse<String> revoked = admin(base, "DELETE", API + "/tokens/" + id, null);
        if (revoked.statusCode() / 100 != 2) {
            throw new IllegalStateException("revoking a token answered " + revoked.statusCode());
        }
    }

    /** One proxied request with {@code token} to {@code base}; its HTTP status. */
    public int tokenRequest(URI base, String token) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(base.resolve("/rest/api/2/myself"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The node's {@code GET /.patgate/health} answer (no authentication). */
    public JsonNode health(URI base) throws IOException, InterruptedException {
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(base.resolve("/.patgate/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(health.body());
    }

    private HttpResponse<String> admin(URI base, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", adminAuthorization)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops every node cleanly (SIGTERM, all together), then the balancer and the upstreams. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        List<Thread> stopping = new ArrayList<>();
        for (NodeProcess node : nodes) {
            stopping.add(Thread.ofPlatform().start(() -> {
                try {
                    node.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread thread : stopping) {
            thread.join();
        }
        balancer.close();
        upstreams.forEach(NameUpstream::close);
    }
}
