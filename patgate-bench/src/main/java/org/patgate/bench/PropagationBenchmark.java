package org.patgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.token.TokenVerifier;

/**
 * The change propagation benchmark behind {@code run-propagation.sh}: three PATgate servers in this
 * JVM (nodes A, B and C, each with its own connection pool and listening connection) on one embedded
 * PostgreSQL, every token cache holding entries for ten minutes so only propagation can explain a
 * refusal. Per round: a token is created on A and checked on B and C (now cached there); a poller per
 * node then checks it through that node's {@link TokenVerifier} every 0.2 ms while A revokes it
 * through its API; the time from sending the revocation to the first refusal on each node is recorded.
 * Prints the markdown of the report on standard output (progress on standard error).
 *
 * <pre>PropagationBenchmark [--revocations N]</pre>
 */
public final class PropagationBenchmark {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("run-propagation");
    private static final String API = "/.patgate/api/v1";
    private static final Duration GIVE_UP = Duration.ofSeconds(10);
    private static final long POLL_NANOS = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int revocations;
    private final String adminPassword;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PropagationBenchmark(int revocations) {
        if (revocations < 1) {
            throw new IllegalArgumentException("--revocations must be positive");
        }
        this.revocations = revocations;
        this.adminPassword =
                TokenFormat.withDefaultPrefix().generate(new SecureRandom()).substring(4, 28);
    }

    /** Runs the benchmark with these options (names without "--") and answers the markdown report. */
    public static String run(Map<String, String> options) throws Exception {
        String value = options.getOrDefault("revocations", "200");
        return new PropagationBenchmark(Integer.parseInt(value.replace("_", ""))).run();
    }

    private String run() throws Exception {
        Path work = Files.createTempDirectory("patgate-propagation-");
        try (BenchPostgres postgres = BenchPostgres.start()) {
            return measure(postgres, work);
        } finally {
            ScaleFiles.deleteTree(work);
        }
    }

    /** Starts the nodes, measures, and stops them before PostgreSQL stops. */
    private String measure(BenchPostgres postgres, Path work) throws Exception {
        List<PatgateServer> nodes = new ArrayList<>();
        try {
            String url = postgres.createDatabase("patgate_propagation");
            byte[] pepper = new byte[32];
            new SecureRandom().nextBytes(pepper);
            Path pepperFile = ScaleFiles.writePrivate(
                    work.resolve("pepper"), Base64.getEncoder().encodeToString(pepper));
            for (int i = 0; i < 3; i++) {
                nodes.add(PatgateServer.start(
                        PatgateConfig.load(null, env(url, postgres.password(), pepperFile)), message -> {}));
            }
            progress("three nodes on PostgreSQL %s; %d revocations", postgres.version(), revocations);
            return measure(nodes.get(0), nodes.get(1), nodes.get(2), postgres.version());
        } finally {
            for (PatgateServer node : nodes) {
                node.close();
            }
        }
    }

    private Map<String, String> env(String url, String dbPassword, Path pepperFile) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_LISTEN_HOST", "127.0.0.1");
        env.put("PATGATE_LISTEN_PORT", "0");
        env.put("PATGATE_DATABASE_URL", url);
        env.put("PATGATE_DATABASE_USERNAME", BenchPostgres.SUPERUSER);
        env.put("PATGATE_DATABASE_PASSWORD", dbPassword);
        env.put("PATGATE_DATABASE_MAXPOOLSIZE", "4");
        env.put("PATGATE_TOKENS_PEPPERFILE", pepperFile.toString());
        env.put("PATGATE_TOKENS_CACHETTL", "10m");
        env.put("PATGATE_BOOTSTRAP_ADMINPASSWORD", adminPassword);
        return env;
    }

    private String measure(PatgateServer a, PatgateServer b, PatgateServer c, String version) throws Exception {
        List<Double> onB = new ArrayList<>();
        List<Double> onC = new ArrayList<>();
        List<Double> revokeCalls = new ArrayList<>();
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < revocations; round++) {
                JsonNode created = call(a, "POST", API + "/tokens", "{\"name\":\"bench\",\"scope\":\"read-write\"}");
                String id = created.get("id").asText();
                String secret = created.get("token").asText();
                for (PatgateServer node : List.of(b, c)) {
                    if (!(node.verifier().verify(secret) instanceof TokenVerifier.Verification.Valid)) {
                        throw new IllegalStateException("a new token is not valid on another node");
                    }
                }
                long start = System.nanoTime();
                Future<Long> refusedOnB = pollers.submit(() -> firstRefusal(b, secret, start));
                Future<Long> refusedOnC = pollers.submit(() -> firstRefusal(c, secret, start));
                call(a, "DELETE", API + "/tokens/" + id, null);
                revokeCalls.add(millis(System.nanoTime() - start));
                onB.add(millis(refusedOnB.get() - start));
                onC.add(millis(refusedOnC.get() - start));
                if ((round + 1) % 50 == 0) {
                    progress("%d revocations", round + 1);
                }
            }
        } finally {
            pollers.shutdownNow();
        }
        return PropagationReport.markdown(version, revocations, revokeCalls, onB, onC);
    }

    /** Checks the token on {@code node} until it is refused; when that happened (nanoTime). */
    private static long firstRefusal(PatgateServer node, String secret, long start) {
        long deadline = start + GIVE_UP.toNanos();
        while (true) {
            if (node.verifier().verify(secret) instanceof TokenVerifier.Verification.Refused) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the revoked token was still accepted after " + GIVE_UP);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private JsonNode call(PatgateServer node, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode());
        }
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void progress(String message, Object... arguments) {
        LOG.info(String.format(Locale.ROOT, message, arguments));
    }
}
