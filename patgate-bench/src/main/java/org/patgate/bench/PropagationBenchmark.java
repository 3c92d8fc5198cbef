package org.patgate.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.patgate.bench.cluster.BenchCluster;

/**
 * The change propagation benchmark behind {@code run-propagation.sh}: three PATgate node processes
 * ({@code bin/patgate serve}: nodes A, B and C, see {@link BenchCluster}) on one embedded PostgreSQL,
 * behind one TCP load balancer, every token cache holding entries for ten minutes so only propagation
 * can explain a refusal. Per round: a token is created through the balancer and used once on B's and
 * once on C's own port (now cached there); A's own port is sent the revocation, and a poller per node
 * sends the token to B's and to C's own port (the balancer cannot be told which node to use) every
 * millisecond until that node answers 401; the time from sending the revocation to that answer is
 * recorded. Ten unrecorded rounds warm the nodes first. Prints the markdown of the report on standard
 * output (progress on standard error).
 *
 * <pre>PropagationBenchmark --launcher bin/patgate [--revocations N]</pre>
 */
public final class PropagationBenchmark {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("run-propagation");
    private static final Duration GIVE_UP = Duration.ofSeconds(10);
    private static final long POLL_NANOS = 1_000_000;
    private static final int WARM_UP = 10;

    private final int revocations;
    private final Path launcher;

    private PropagationBenchmark(int revocations, Path launcher) {
        if (revocations < 1) {
            throw new IllegalArgumentException("--revocations must be positive");
        }
        if (!Files.isExecutable(launcher)) {
            throw new IllegalArgumentException("--launcher " + launcher + " is not an executable file");
        }
        this.revocations = revocations;
        this.launcher = launcher;
    }

    /** Runs the benchmark with these options (names without "--") and answers the markdown report. */
    public static String run(Map<String, String> options) throws Exception {
        String value = options.getOrDefault("revocations", "200");
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/patgate")).toAbsolutePath();
        return new PropagationBenchmark(Integer.parseInt(value.replace("_", "")), launcher).run();
    }

    private String run() throws Exception {
        Path work = Files.createTempDirectory("patgate-propagation-");
        try (BenchPostgres postgres = BenchPostgres.start()) {
            try (BenchCluster cluster = BenchCluster.start(launcher, work, postgres, "patgate_propagation")) {
                progress("three node processes on PostgreSQL %s; %d revocations", postgres.version(), revocations);
                return measure(cluster, postgres.version());
            }
        } finally {
            ScaleFiles.deleteTree(work);
        }
    }

    private String measure(BenchCluster cluster, String version) throws Exception {
        URI a = cluster.nodes().get(0).base();
        URI b = cluster.nodes().get(1).base();
        URI c = cluster.nodes().get(2).base();
        List<Double> onB = new ArrayList<>();
        List<Double> onC = new ArrayList<>();
        List<Double> revokeCalls = new ArrayList<>();
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        try {
            for (int round = -WARM_UP; round < revocations; round++) {
                BenchCluster.Token token = cluster.createToken(cluster.balanced(), "bench");
                for (URI node : List.of(b, c)) {
                    int status = cluster.tokenRequest(node, token.secret());
                    if (status != 200) {
                        throw new IllegalStateException("a new token answered " + status + " on another node");
                    }
                }
                long start = System.nanoTime();
                Future<Long> refusedOnB = pollers.submit(() -> firstRefusal(cluster, b, token.secret(), start));
                Future<Long> refusedOnC = pollers.submit(() -> firstRefusal(cluster, c, token.secret(), start));
                cluster.revoke(a, token.id());
                long revoked = System.nanoTime();
                long b401 = refusedOnB.get();
                long c401 = refusedOnC.get();
                if (round >= 0) {
                    revokeCalls.add(millis(revoked - start));
                    onB.add(millis(b401 - start));
                    onC.add(millis(c401 - start));
                }
                if ((round + 1) % 50 == 0 && round >= 0) {
                    progress("%d revocations", round + 1);
                }
            }
        } finally {
            pollers.shutdownNow();
        }
        return PropagationReport.markdown(version, revocations, revokeCalls, onB, onC);
    }

    /** Sends the token to {@code node} until it answers 401; when that answer arrived (nanoTime). */
    private static long firstRefusal(BenchCluster cluster, URI node, String secret, long start) throws Exception {
        long deadline = start + GIVE_UP.toNanos();
        while (true) {
            int status = cluster.tokenRequest(node, secret);
            if (status == 401) {
                return System.nanoTime();
            }
            if (status != 200) {
                throw new IllegalStateException("the token answered " + status + " on " + node);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the revoked token was still accepted after " + GIVE_UP);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void progress(String message, Object... arguments) {
        LOG.info(String.format(Locale.ROOT, message, arguments));
    }
}
