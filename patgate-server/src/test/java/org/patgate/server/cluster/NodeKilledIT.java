package org.patgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.http.Json;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.ServeProcess;

/**
 * Fault "node killed": two node processes started as admins start them ({@code bin/patgate serve}) on
 * one PostgreSQL, behind a round-robin load balancer, take token requests; one is killed with SIGKILL
 * mid-load. Every request sent after the kill is answered by the other node, and the activity lost is
 * at most what the killed node had not yet written: the requests it answered in its last flush
 * interval, plus the batch it may have been writing (one more interval, with a margin for a busy
 * machine).
 */
@PostgresTest
class NodeKilledIT {

    static final Path LAUNCHER =
            Path.of("..", "bin", "patgate").toAbsolutePath().normalize();

    private static final String ADMIN_PASSWORD = "node-killed-admin-password";
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);
    /** Time a batch write may take on a busy machine, on top of the flush intervals. */
    private static final Duration WRITE_MARGIN = Duration.ofMillis(1500);

    private static final int WARM_UP = 100;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(4);
    private static final Duration LOAD_AFTER_KILL = Duration.ofSeconds(4);
    private static final int CLIENTS = 4;

    @TempDir
    Path dir;

    /** One request through the balancer: when it started and ended (nanoTime), and what came back. */
    record Outcome(long started, long ended, int status, String node) {
        boolean answered() {
            return status == 200;
        }
    }

    @Test
    void theOtherNodeKeepsServingAndOnlyTheKilledNodesUnwrittenActivityIsLost() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        try (NodeUpstream upstreamA = new NodeUpstream("a");
                NodeUpstream upstreamB = new NodeUpstream("b")) {
            ServeProcess a = startNode(dir, "a", upstreamA, db);
            ServeProcess b = null;
            try {
                b = startNode(dir, "b", upstreamB, db);
                String token = createToken(a.base());
                try (RoundRobinBalancer balancer = new RoundRobinBalancer(List.of(a.address(), b.address()))) {
                    runLoadAndKill(balancer, a, b, token, db);
                }
            } finally {
                a.stop();
                if (b != null) {
                    b.stop();
                }
            }
        }
    }

    private void runLoadAndKill(
            RoundRobinBalancer balancer, ServeProcess a, ServeProcess b, String token, PostgresFixture.TestDatabase db)
            throws Exception {
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofPlatform().name("client-" + i).start(() -> {
                while (!stop.get()) {
                    outcomes.add(request(balancer.port(), token));
                }
            }));
        }
        // Both nodes warm (their first answers are slow on a cold JVM), then load as usual for a while.
        long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((answeredBy(outcomes, "a") < WARM_UP || answeredBy(outcomes, "b") < WARM_UP)
                && System.nanoTime() < warm) {
            Thread.sleep(50);
        }
        assertThat(answeredBy(outcomes, "a")).as("node a warmed up").isGreaterThanOrEqualTo(WARM_UP);
        Thread.sleep(LOAD_BEFORE_KILL.toMillis());
        long killedAt = System.nanoTime();
        a.process().destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no last flush
        assertThat(a.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        // Its sockets are closed once it is gone: from then on the balancer's connects to it are refused.
        long deadAt = System.nanoTime();
        Thread.sleep(LOAD_AFTER_KILL.toMillis());
        stop.set(true);
        for (Thread client : clients) {
            client.join(30_000);
        }
        // The survivor stops the way an operator stops it: its activity is all written.
        b.stop();

        List<Outcome> all = List.copyOf(outcomes);
        List<Outcome> afterKill = all.stream().filter(o -> o.started() > deadAt).toList();
        long answeredByA =
                all.stream().filter(o -> o.answered() && o.node().equals("a")).count();
        long answeredByB =
                all.stream().filter(o -> o.answered() && o.node().equals("b")).count();
        long window = FLUSH_INTERVAL.multipliedBy(2).plus(WRITE_MARGIN).toNanos();
        long answeredByAInItsLastWindow = all.stream()
                .filter(o -> o.answered() && o.node().equals("a") && o.ended() > killedAt - window)
                .count();
        long cutOffByTheKill =
                all.stream().filter(o -> !o.answered() && o.started() <= deadAt).count();
        long recorded = sum(db, "SELECT COALESCE(SUM(requests), 0) FROM token_usage_hourly");
        long counted = sum(
                db,
                "SELECT COALESCE(SUM(requests), 0) FROM usage_counters WHERE span = 'minute' AND dimension = 'token'");
        // The analytics counters are written one writer turn after they are taken: one interval more.
        long counterWindow = window + FLUSH_INTERVAL.toNanos();
        long answeredByAInItsLastCounterWindow = all.stream()
                .filter(o -> o.answered() && o.node().equals("a") && o.ended() > killedAt - counterWindow)
                .count();
        String summary = "answered by a: " + answeredByA + ", by a in its last "
                + Duration.ofNanos(window).toMillis()
                + " ms: " + answeredByAInItsLastWindow + ", by b: " + answeredByB + ", cut off by the kill: "
                + cutOffByTheKill + ", after the kill: " + afterKill.size() + ", recorded: " + recorded
                + ", counted: " + counted + ", by a in its last "
                + Duration.ofNanos(counterWindow).toMillis() + " ms: "
                + answeredByAInItsLastCounterWindow;
        System.out.println("node killed: " + summary);

        assertThat(answeredByA).as(summary).isPositive();
        assertThat(afterKill).as(summary).isNotEmpty().allSatisfy(o -> {
            assertThat(o.status()).as(summary).isEqualTo(200);
            assertThat(o.node()).isEqualTo("b");
        });
        long lost = answeredByA + answeredByB - recorded;
        assertThat(lost)
                .as("activity lost (at most the killed node's last window); " + summary)
                .isLessThanOrEqualTo(answeredByAInItsLastWindow);
        // Requests the killed node recorded but could not answer are the only ones counted without an answer.
        assertThat(recorded).as(summary).isLessThanOrEqualTo(answeredByA + answeredByB + cutOffByTheKill);
        assertThat(answeredByA + answeredByB - counted)
                .as("usage counts lost; " + summary)
                .isLessThanOrEqualTo(answeredByAInItsLastCounterWindow);
        assertThat(counted).as(summary).isLessThanOrEqualTo(answeredByA + answeredByB + cutOffByTheKill);
    }

    private static long answeredBy(Queue<Outcome> outcomes, String node) {
        return outcomes.stream()
                .filter(o -> o.answered() && o.node().equals(node))
                .count();
    }

    /** One request on a connection of its own, so the balancer picks a node for each. */
    private static Outcome request(int port, String token) {
        long started = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            long ended = System.nanoTime();
            int status = answer.startsWith("HTTP/1.1 ") && answer.length() >= 12
                    ? Integer.parseInt(answer.substring(9, 12))
                    : -1;
            int body = answer.indexOf("\r\n\r\n");
            String node = body < 0 ? "" : answer.substring(body + 4).strip();
            return new Outcome(started, ended, status, node);
        } catch (IOException e) {
            return new Outcome(started, System.nanoTime(), -1, "");
        }
    }

    /** A sum over what the nodes wrote (the test has one token). */
    private static long sum(PostgresFixture.TestDatabase db, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement sum = connection.prepareStatement(query);
                ResultSet row = sum.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String createToken(URI base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String admin = "Basic "
                + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(base.resolve("/.patgate/api/v1/tokens"))
                        .header("Authorization", admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"load\",\"scope\":\"read-only\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.MAPPER.readTree(created.body()).get("token").asText();
    }

    /** The application behind one node; it answers with the node's name, so a client knows who served it. */
    static final class NodeUpstream implements AutoCloseable {
        private final HttpServer server;

        NodeUpstream(String name) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A node process started with {@code bin/patgate serve}, writing its activity every flush interval. */
    private static ServeProcess startNode(Path dir, String name, NodeUpstream upstream, PostgresFixture.TestDatabase db)
            throws Exception {
        String config = """
                listen: { host: 127.0.0.1, port: 0 }
                upstream: { url: "%s" }
                database: { url: "%s", username: "%s" }
                tokens: { pepperFile: "%s" }
                activity: { flushInterval: %dms }
                """.formatted(
                        upstream.url(), db.jdbcUrl(), db.username(), dir.resolve("pepper"), FLUSH_INTERVAL.toMillis());
        return ServeProcess.start(
                LAUNCHER,
                dir.resolve(name),
                config,
                Map.of("PATGATE_BOOTSTRAP_ADMINPASSWORD", ADMIN_PASSWORD, "PATGATE_DATABASE_PASSWORD", db.password()),
                Duration.ofSeconds(90));
    }
}
