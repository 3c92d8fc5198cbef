package org.patgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patgate.bench.LatencyProbe.Latencies;
import org.patgate.bench.ScaleReport.StartupRuns;
import org.patgate.bench.ScaleReport.StoreRun;
import org.patgate.bench.StartupProbe.Startup;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.store.Database;

/**
 * The scale benchmark behind {@code run-scale.sh}: for each store (an H2 file database, an embedded
 * PostgreSQL server) it seeds a small and a large database through the real Flyway migrations,
 * times token checks on the large one ({@link LatencyProbe}), times start-ups of the real server in
 * fresh JVMs on both ({@link StartupProbe}), and prints the markdown of {@link ScaleReport} on
 * standard output (progress goes to standard error). All files live in a temporary directory that
 * is deleted at the end; plaintext tokens exist only in this JVM's memory.
 *
 * <pre>ScaleBenchmark --patgate-jar FILE [--tokens N] [--small N] [--stores h2,postgresql]
 *                [--samples N] [--hot N] [--startups N]</pre>
 */
public final class ScaleBenchmark {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("run-scale");

    private static final int OWNERS = 1000;

    private final Map<String, String> options;
    private final int tokens;
    private final int small;
    private final int samples;
    private final int hotSamples;
    private final int startups;
    private final Path patgateJar;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final TokenFormat format = TokenFormat.withDefaultPrefix();
    private final byte[] pepper = new byte[32];
    private final String adminPassword;

    private ScaleBenchmark(Map<String, String> options) {
        this.options = options;
        this.tokens = intOption("tokens", 1_000_000);
        this.small = Math.min(intOption("small", 1000), tokens);
        this.samples = Math.min(intOption("samples", 10_000), tokens);
        this.hotSamples = intOption("hot", 20_000);
        this.startups = intOption("startups", 3);
        this.patgateJar = Path.of(required("patgate-jar"));
        SecureRandom random = new SecureRandom();
        random.nextBytes(pepper);
        this.adminPassword = format.generate(random).substring(4, 28);
        if (tokens < 1 || samples < 10 || hotSamples < 1 || startups < 1) {
            throw new IllegalArgumentException("--tokens, --samples (>= 10), --hot and --startups must be positive");
        }
    }

    /** Runs the whole scale benchmark with these options (names without "--") and answers the markdown report. */
    public static String run(Map<String, String> options) throws Exception {
        return new ScaleBenchmark(options).run();
    }

    private String run() throws Exception {
        Path work = Files.createTempDirectory("patgate-scale-");
        try {
            Path pepperFile = ScaleFiles.writePrivate(
                    work.resolve("pepper"), Base64.getEncoder().encodeToString(pepper));
            List<StoreRun> runs = new ArrayList<>();
            for (String store : options.getOrDefault("stores", "h2,postgresql").split(",")) {
                runs.add(
                        switch (store.strip().toLowerCase(Locale.ROOT)) {
                            case "h2" -> measure(new Target.H2(work), work, pepperFile);
                            case "postgresql" -> {
                                try (BenchPostgres postgres = BenchPostgres.start()) {
                                    yield measure(new Target.Postgres(postgres), work, pepperFile);
                                }
                            }
                            default ->
                                throw new IllegalArgumentException("unknown store '" + store + "' (h2, postgresql)");
                        });
            }
            return ScaleReport.markdown(runs);
        } finally {
            ScaleFiles.deleteTree(work);
        }
    }

    /** Where the databases of one store live. */
    private sealed interface Target {
        String createDatabase(String name) throws Exception;

        String username();

        String password();

        record H2(Path work) implements Target {
            @Override
            public String createDatabase(String name) {
                return "jdbc:h2:file:" + work.resolve(name).resolve("patgate");
            }

            @Override
            public String username() {
                return "";
            }

            @Override
            public String password() {
                return "";
            }
        }

        record Postgres(BenchPostgres server) implements Target {
            @Override
            public String createDatabase(String name) throws Exception {
                return server.createDatabase(name);
            }

            @Override
            public String username() {
                return BenchPostgres.SUPERUSER;
            }

            @Override
            public String password() {
                return server.password();
            }
        }
    }

    private StoreRun measure(Target target, Path work, Path pepperFile) throws Exception {
        TokenDigester digester = new TokenDigester(pepper);
        List<Integer> counts = small < tokens ? List.of(small, tokens) : List.of(tokens);
        Map<Integer, String> urls = new LinkedHashMap<>();
        String kind = target instanceof Target.H2 ? "H2" : "PostgreSQL";
        String title = kind;
        String seeding = "";
        Latencies latencies = null;
        for (int count : counts) {
            String url = target.createDatabase("scale_" + kind.toLowerCase(Locale.ROOT) + "_" + count);
            urls.put(count, url);
            progress("%s: seeding %,d tokens over %,d owners", kind, count, OWNERS);
            try (Database database = Database.open(url, target.username(), target.password(), 10)) {
                TokenSeeder.Seeded seeded =
                        new TokenSeeder(database, format, digester).seed(count, OWNERS, count == tokens ? samples : 0);
                progress("%s: seeded %,d tokens in %.1f s", kind, count, seeded.millis() / 1000.0);
                if (count == tokens) {
                    title = kind + " " + productVersion(database)
                            + (target instanceof Target.H2
                                    ? " (embedded file database)"
                                    : " (embedded server on loopback)");
                    seeding = "Seeded " + ScaleReport.thousands(count) + " active tokens over "
                            + ScaleReport.thousands(OWNERS) + " owners in " + Stats.format(seeded.millis() / 1000.0, 1)
                            + " s (" + (target instanceof Target.H2 ? "JDBC batches" : "COPY") + ", then ANALYZE); "
                            + ScaleReport.thousands(seeded.samples().size()) + " of them kept in memory as samples.";
                    progress("%s: timing checks", kind);
                    latencies = LatencyProbe.measure(database, format, digester, seeded.samples(), hotSamples);
                }
            }
        }
        StartupProbe probe = new StartupProbe(java, patgateJar, work);
        Map<Integer, List<Startup>> starts = new LinkedHashMap<>();
        for (int count : counts) { // the first start creates the bootstrap admin: not measured
            probe.measure(urls.get(count), target.username(), target.password(), pepperFile, adminPassword);
            starts.put(count, new ArrayList<>());
        }
        for (int round = 1; round <= startups; round++) {
            for (int count : counts) { // interleaved, so a disturbance hits both sizes alike
                Startup startup =
                        probe.measure(urls.get(count), target.username(), target.password(), pepperFile, adminPassword);
                progress(
                        "%s: start-up with %,d tokens: %d ms (CPU %d ms), heap %.1f MiB",
                        kind,
                        count,
                        startup.millisToHealthy(),
                        startup.cpuMillisToHealthy(),
                        startup.heapUsedBytes() / 1048576.0);
                starts.get(count).add(startup);
            }
        }
        List<StartupRuns> startupRuns = counts.stream()
                .map(count -> new StartupRuns(count, starts.get(count)))
                .toList();
        return new StoreRun(title, seeding, latencies, startupRuns);
    }

    private static String productVersion(Database database) throws Exception {
        try (Connection connection = database.dataSource().getConnection()) {
            String version = connection.getMetaData().getDatabaseProductVersion();
            return version.split(" ")[0];
        }
    }

    private int intOption(String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static void progress(String message, Object... arguments) {
        LOG.info(String.format(Locale.ROOT, message, arguments));
    }
}
