package org.patgate.bench.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One PATgate node run as an administrator runs it: {@code bin/patgate serve --config FILE} in a
 * process of its own, with its output appended to {@code node.log} in its home directory. The node
 * listens on a fixed loopback port chosen once, so a node started again after {@link #kill} is found
 * where the load balancer expects it. One thread starts and stops it; {@link #serving} may be asked from any.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path launcher;
    private final Path home;
    private final Path config;
    private final Path log;
    private final String name;
    private final int port;
    private final Map<String, String> env;
    private volatile Process process;
    /** Between saying it listens and being told to end. */
    private volatile boolean serving;

    private NodeProcess(Path launcher, Path home, String name, int port, Map<String, String> env) {
        this.launcher = launcher;
        this.home = home;
        this.config = home.resolve("patgate.yml");
        this.log = home.resolve("node.log");
        this.name = name;
        this.port = port;
        this.env = Map.copyOf(env);
    }

    /**
     * Prepares a node in {@code home} (created) on a free loopback port; {@code yaml} receives that
     * port and must put it into {@code listen.port}. Does not start it.
     *
     * @param env environment for the process on top of this one's (secrets belong here, not in the file)
     */
    public static NodeProcess prepare(
            Path launcher, Path home, String name, IntFunction<String> yaml, Map<String, String> env)
            throws IOException {
        Files.createDirectories(home);
        int port = freePort();
        NodeProcess node = new NodeProcess(launcher, home, name, port, env);
        Files.writeString(node.config, yaml.apply(port), StandardCharsets.UTF_8);
        return node;
    }

    /** Starts the process and waits until it says it listens; fails with the end of its log otherwise. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + name + " is running");
        }
        long offset = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve", "--config", config.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        String expected = "PATgate listening on " + base();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logSince(offset).contains(expected)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "node " + name + " ended with status " + process.exitValue() + "; log:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "node " + name + " did not listen within " + timeout.toSeconds() + " s; log:\n" + logTail());
            }
            Thread.sleep(50);
        }
        serving = true;
    }

    /** SIGKILL, as when the machine or the OOM killer ends it: no shutdown hook, no last flush. */
    public void kill() throws InterruptedException {
        serving = false;
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + name + " did not end after SIGKILL");
            }
        }
    }

    /** SIGTERM, as an operator stops a node (it writes what it holds); SIGKILL after 30 s. */
    public void stop() throws InterruptedException {
        serving = false;
        if (process != null && process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the node has said it listens and has not been told to end since. */
    public boolean serving() {
        return serving && process.isAlive();
    }

    /** SIGKILL without waiting, for a JVM that is ending. */
    void killNow() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
    }

    public String name() {
        return name;
    }

    /** Where the node serves both the API and the proxied requests. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The last 40 lines the node wrote (for failure messages). */
    public String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private String logSince(long offset) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
