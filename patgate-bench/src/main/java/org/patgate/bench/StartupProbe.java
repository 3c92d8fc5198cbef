package org.patgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the real server in a fresh JVM the way an admin does ({@code PATGATE_HEAP=256m bin/patgate serve
 * --config FILE}, falling back to {@code java -Xmx256m -jar patgate.jar} without the launcher)
 * and measures the wall time from spawning the process to the first 200 from
 * {@code /.patgate/health} (polled every 5 ms), then the heap in use after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}). Stops the server (SIGTERM) before returning.
 * Not thread-safe.
 */
final class StartupProbe {

    /**
     * One start: wall time to healthy; CPU time the server process had used by then (all its
     * threads; -1 where {@code /proc} is missing), which a busy machine disturbs less than wall
     * time; heap used after start + full GC (-1 when jcmd is unavailable).
     */
    record Startup(long millisToHealthy, long cpuMillisToHealthy, long heapUsedBytes) {}

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path java;
    private final Path patgateJar;
    private final Path workDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    StartupProbe(Path java, Path patgateJar, Path workDir) {
        this.java = java;
        this.patgateJar = patgateJar;
        this.workDir = workDir;
    }

    /** Starts a server on the database and pepper file given, measures, and stops it. */
    Startup measure(String jdbcUrl, String username, String password, Path pepperFile, String adminPassword)
            throws IOException, InterruptedException {
        int port = freePort();
        Path config = ScaleFiles.writePrivate(workDir.resolve("patgate-" + port + ".yml"), """
                listen: { host: 127.0.0.1, port: %d }
                upstream: { url: "http://127.0.0.1:9" }
                database: { url: "%s", username: "%s", password: "%s" }
                tokens: { pepperFile: "%s" }
                bootstrap: { adminUsername: admin, adminPassword: "%s" }
                """.formatted(
                        port, jdbcUrl, username, password, pepperFile, adminPassword));
        Path log = workDir.resolve("patgate-" + port + ".log");
        // As an admin starts it: through bin/patgate (with its ahead-of-time cache on Java 25+), heap 256m.
        Path launcher =
                patgateJar.toAbsolutePath().getParent().getParent().getParent().resolve("bin/patgate");
        ProcessBuilder builder = Files.isExecutable(launcher)
                ? new ProcessBuilder(launcher.toString(), "serve", "--config", config.toString())
                : new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        "-jar",
                        patgateJar.toString(),
                        "serve",
                        "--config",
                        config.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("PATGATE_"));
        builder.environment().put("PATGATE_HEAP", "256m");
        builder.environment().put("PATGATE_JAR", patgateJar.toAbsolutePath().toString());
        builder.environment()
                .put("JAVA_HOME", java.toAbsolutePath().getParent().getParent().toString());
        long start = System.nanoTime();
        Process server = builder.start();
        try {
            long healthy = awaitHealthy(server, port, start, log);
            long cpu = cpuMillis(server.pid());
            long heap = heapAfterFullGc(server.pid());
            return new Startup(healthy, cpu, heap);
        } finally {
            server.destroy();
            // The first start of a jar writes its ahead-of-time cache while stopping: give it time.
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(config);
        }
    }

    private long awaitHealthy(Process server, int port, long start, Path log) throws IOException, InterruptedException {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.patgate/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() - start < START_TIMEOUT.toNanos()) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "the server exited with " + server.exitValue() + "; log:\n" + tail(log));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the server was not healthy within " + START_TIMEOUT + "; log:\n" + tail(log));
    }

    /** utime + stime of the process from {@code /proc/PID/stat}, in milliseconds (Linux' USER_HZ is 100). */
    private static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the parenthesised command name start with field 3 (state); utime is 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Heap in use after a full collection, via the JDK's jcmd next to the java binary; -1 without it. */
    private long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = java.resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        Matcher used = HEAP_USED.matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
