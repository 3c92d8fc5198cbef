package org.patgate.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.bench.cluster.BenchCluster;
import org.patgate.bench.cluster.NodeProcess;

/**
 * The soak behind {@code run-soak.sh}: three node processes on one embedded PostgreSQL behind the
 * balancer ({@link BenchCluster}) under continuous load for a while (ten minutes by default), with
 * the faults of a long day. Four clients send token requests through the balancer, one connection
 * each, so every request may land on another node, and count per token the requests that got 200.
 * Once a second a new token is created through the balancer and the oldest live one is revoked on a
 * random running node; a fifth of the requests keep using revoked tokens, and any 200 to a request
 * sent more than {@value #BOUND_MILLIS} ms after its revocation returned counts as a revoked token
 * accepted after propagation. At a third of the run node b is killed (SIGKILL) and started again; at
 * two thirds PostgreSQL is restarted (fast shutdown, then started on the same data and port). At the
 * end every revoked token is sent once more to each node's own port, the nodes are stopped cleanly,
 * and the clients' 200s are compared with the hourly counters the nodes wrote: the only activity that
 * may be lost is what node b had answered in its last flush intervals before the kill (two
 * intervals plus a margin for a busy machine, as the server's node-killed test allows). Prints the
 * markdown of the report on standard output (progress on standard error). One run per instance; the
 * clients, the revoker and the schedule share its counters (concurrent collections and adders).
 *
 * <pre>SoakBenchmark --launcher bin/patgate [--minutes N]</pre>
 */
public final class SoakBenchmark {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("run-soak");
    static final long BOUND_MILLIS = 1000;
    private static final Duration WRITE_MARGIN = Duration.ofMillis(1500);
    private static final Duration REVOKE_EVERY = Duration.ofSeconds(1);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final int CLIENTS = 4;
    private static final int LIVE_TOKENS = 20;
    private static final double REVOKED_SHARE = 0.2;
    private static final int VICTIM = 1;
    private static final String VICTIM_NAME = "b";

    private final Duration duration;
    private final Path launcher;
    /** The live tokens, oldest first; replaced whole by the revoker, read by the clients. */
    private volatile List<Tracked> live = List.of();
    /** Only appended to, so a client may read its size and then an element below it. */
    private final List<Tracked> revoked = new CopyOnWriteArrayList<>();

    private final Map<String, Tracked> byId = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byNode = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    /** When node b's answers with 200 arrived (nanoTime), for the loss bound. */
    private final Queue<Long> victimAnswers = new ConcurrentLinkedQueue<>();

    private final Queue<String> acceptedAfterBound = new ConcurrentLinkedQueue<>();
    private final LongAdder acceptedWithinBound = new LongAdder();
    private final LongAdder revokeFailures = new LongAdder();
    private final LongAdder createFailures = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** One token the soak uses: its 200s and unanswered requests as the clients saw them. */
    private static final class Tracked {
        final BenchCluster.Token token;
        final LongAdder ok = new LongAdder();
        final LongAdder unanswered = new LongAdder();
        /** nanoTime when the revoking DELETE returned; MAX_VALUE while live. */
        volatile long revokedAt = Long.MAX_VALUE;

        Tracked(BenchCluster.Token token) {
            this.token = token;
        }
    }

    private SoakBenchmark(Duration duration, Path launcher) {
        if (duration.toSeconds() < 15) {
            throw new IllegalArgumentException("--minutes must be at least 0.25 (15 s)");
        }
        if (!Files.isExecutable(launcher)) {
            throw new IllegalArgumentException("--launcher " + launcher + " is not an executable file");
        }
        this.duration = duration;
        this.launcher = launcher;
    }

    /** Runs the soak with these options (names without "--") and answers the markdown report. */
    public static String run(Map<String, String> options) throws Exception {
        String value = options.getOrDefault("minutes", "10");
        double minutes;
        try {
            minutes = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--minutes must be a number of minutes, e.g. 10 or 0.5 (got " + value + ")");
        }
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/patgate")).toAbsolutePath();
        return new SoakBenchmark(Duration.ofMillis(Math.round(minutes * 60_000)), launcher).run();
    }

    private String run() throws Exception {
        Path work = Files.createTempDirectory("patgate-soak-");
        try (BenchPostgres postgres = BenchPostgres.start()) {
            String version = postgres.version();
            try (BenchCluster cluster = BenchCluster.start(launcher, work, postgres, "patgate_soak")) {
                progress("three node processes on PostgreSQL %s; soak of %d s", version, duration.toSeconds());
                SoakReport.Faults faults = load(cluster, postgres);
                long dropped = droppedEvents(cluster);
                cluster.close(); // cleanly: every node writes what it holds
                return SoakReport.markdown(version, duration, tally(postgres, faults, dropped));
            }
        } finally {
            ScaleFiles.deleteTree(work);
        }
    }

    /** Load, revocations and the two faults on schedule; answers when they happened. */
    private SoakReport.Faults load(BenchCluster cluster, BenchPostgres postgres) throws Exception {
        for (int i = 0; i < LIVE_TOKENS; i++) {
            track(cluster.createToken(cluster.balanced(), "soak"));
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            threads.add(Thread.ofPlatform()
                    .name("soak-client-" + i)
                    .start(() -> clientLoop(cluster.balancer().port())));
        }
        threads.add(Thread.ofPlatform().name("soak-revoker").start(() -> revokeLoop(cluster)));
        long begin = System.nanoTime();
        NodeProcess victim = cluster.nodes().get(VICTIM);
        try {
            sleepUntil(begin + duration.toNanos() / 3);
            long killedAt = System.nanoTime();
            victim.kill();
            progress("node %s killed at %d s", victim.name(), seconds(killedAt - begin));
            victim.start(START_TIMEOUT);
            long backAt = System.nanoTime();
            progress("node %s listening again after %.1f s", victim.name(), (backAt - killedAt) / 1e9);

            sleepUntil(begin + duration.toNanos() * 2 / 3);
            long restartAt = System.nanoTime();
            postgres.restart();
            long restartedAt = System.nanoTime();
            progress(
                    "PostgreSQL restarted at %d s in %.1f s",
                    seconds(restartAt - begin), (restartedAt - restartAt) / 1e9);

            sleepUntil(begin + duration.toNanos());
            long end = System.nanoTime();
            long window = BenchCluster.FLUSH_INTERVAL
                    .multipliedBy(2)
                    .plus(WRITE_MARGIN)
                    .toNanos();
            long bound = victimAnswers.stream()
                    .filter(t -> t > killedAt - window && t <= killedAt)
                    .count();
            return new SoakReport.Faults(
                    Duration.ofNanos(end - begin),
                    victim.name(),
                    Duration.ofNanos(killedAt - begin),
                    Duration.ofNanos(backAt - killedAt),
                    Duration.ofNanos(restartAt - begin),
                    Duration.ofNanos(restartedAt - restartAt),
                    Duration.ofNanos(window),
                    bound);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            // The last revocation's bound passes, then every revoked token meets every node once more.
            Thread.sleep(BOUND_MILLIS);
            finalCheck(cluster);
        }
    }

    private void clientLoop(int port) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            List<Tracked> pool = !revoked.isEmpty() && random.nextDouble() < REVOKED_SHARE ? revoked : live;
            int size = pool.size();
            Tracked token = pool.get(random.nextInt(size));
            long started = System.nanoTime();
            String[] answer = request(port, token.token.secret());
            account(token, started, Integer.parseInt(answer[0]), answer[1]);
        }
    }

    private void account(Tracked token, long started, int status, String node) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status < 0) {
            token.unanswered.increment();
            return;
        }
        if (status != 200) {
            return;
        }
        long ended = System.nanoTime();
        token.ok.increment();
        byNode.computeIfAbsent(node, n -> new LongAdder()).increment();
        if (node.equals(VICTIM_NAME)) {
            victimAnswers.add(ended);
        }
        long revokedAt = token.revokedAt;
        if (revokedAt == Long.MAX_VALUE) {
            return; // live
        }
        long after = started - revokedAt;
        if (after > TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS)) {
            acceptedAfterBound.add(
                    String.format(Locale.ROOT, "%s on node %s, %.0f ms after", token.token.id(), node, after / 1e6));
        } else if (after > 0) {
            acceptedWithinBound.increment();
        }
    }

    /** Once a second: a new token through the balancer, then the oldest live one revoked on a random node. */
    private void revokeLoop(BenchCluster cluster) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            try {
                Thread.sleep(REVOKE_EVERY.toMillis());
                if (live.size() <= LIVE_TOKENS) {
                    track(cluster.createToken(cluster.balanced(), "soak"));
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                createFailures.increment(); // the database restarting, or a node going away: next time
            }
            List<NodeProcess> running =
                    cluster.nodes().stream().filter(NodeProcess::serving).toList();
            if (live.size() <= LIVE_TOKENS / 2) {
                continue; // no new tokens for a while (the database restarting): keep enough live ones
            }
            Tracked oldest = live.getFirst();
            try {
                cluster.revoke(running.get(random.nextInt(running.size())).base(), oldest.token.id());
                oldest.revokedAt = System.nanoTime();
                revoked.add(oldest);
                live = live.subList(1, live.size()).stream().toList();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                revokeFailures.increment(); // revoking again is harmless (204): the next round retries it
            }
        }
    }

    private void track(BenchCluster.Token token) {
        Tracked tracked = new Tracked(token);
        byId.put(token.id(), tracked);
        List<Tracked> more = new ArrayList<>(live);
        more.add(tracked);
        live = List.copyOf(more);
    }

    /** Each revoked token once to each node's own port: by now every node must refuse it. */
    private void finalCheck(BenchCluster cluster) throws Exception {
        for (Tracked token : revoked) {
            for (NodeProcess node :
                    cluster.nodes().stream().filter(NodeProcess::serving).toList()) {
                long started = System.nanoTime();
                int status = cluster.tokenRequest(node.base(), token.token.secret());
                account(token, started, status, node.name());
            }
        }
    }

    /** Events each running node dropped because its queue was full (the killed node's first life is gone). */
    private static long droppedEvents(BenchCluster cluster) throws Exception {
        long dropped = 0;
        for (NodeProcess node : cluster.nodes()) {
            dropped +=
                    cluster.health(node.base()).path("activity").path("dropped").asLong();
        }
        return dropped;
    }

    private SoakReport.Result tally(BenchPostgres postgres, SoakReport.Faults faults, long dropped) throws Exception {
        Map<String, long[]> recorded = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(
                        postgres.jdbcUrl("patgate_soak"), BenchPostgres.SUPERUSER, postgres.password());
                PreparedStatement sums = connection.prepareStatement(
                        "SELECT token_id, SUM(requests), SUM(failed) FROM token_usage_hourly GROUP BY token_id");
                ResultSet rows = sums.executeQuery()) {
            while (rows.next()) {
                recorded.put(rows.getString(1), new long[] {rows.getLong(2), rows.getLong(3)});
            }
        }
        long answered = 0;
        long written = 0;
        long unanswered = 0;
        for (Tracked token : byId.values()) {
            answered += token.ok.sum();
            unanswered += token.unanswered.sum();
            long[] counts = recorded.getOrDefault(token.token.id(), new long[2]);
            written += counts[0] - counts[1]; // requests that did not fail: the 200s
        }
        Map<String, Long> nodes = new TreeMap<>();
        byNode.forEach((node, count) -> nodes.put(node, count.sum()));
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
        return new SoakReport.Result(
                faults,
                statuses,
                nodes,
                byId.size(),
                revoked.size(),
                createFailures.sum(),
                revokeFailures.sum(),
                answered,
                written,
                unanswered,
                dropped,
                acceptedWithinBound.sum(),
                List.copyOf(acceptedAfterBound));
    }

    /**
     * One request on a connection of its own, so the balancer picks a node for each: {status, node},
     * status -1 when no HTTP answer came (a node killed mid-request).
     */
    private static String[] request(int port, String token) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) {
                return new String[] {"-1", ""};
            }
            int body = answer.indexOf("\r\n\r\n");
            return new String[] {
                answer.substring(9, 12),
                body < 0 ? "" : answer.substring(body + 4).strip()
            };
        } catch (IOException e) {
            return new String[] {"-1", ""};
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private static void progress(String message, Object... arguments) {
        LOG.info(String.format(Locale.ROOT, message, arguments));
    }
}
