package org.patgate.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.patgate.server.testing.PostgresFixture;

/** The two databases every store test runs against, with the same migrations and expectations. */
enum StoreBackend {
    H2 {
        @Override
        TestStore create() {
            try {
                Path dir = Files.createTempDirectory("patgate-h2-");
                return new TestStore(
                        this, "jdbc:h2:file:" + dir.resolve("patgate"), "patgate", "h2-test-password", dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    POSTGRESQL {
        @Override
        TestStore create() {
            PostgresFixture.TestDatabase database = PostgresFixture.start().createDatabase();
            return new TestStore(this, database.jdbcUrl(), database.username(), database.password(), null);
        }
    };

    /** A fresh, empty database of this kind (not yet opened). */
    abstract TestStore create();

    /** One test database: its coordinates and the open {@link Database}; close deletes H2 files. */
    static final class TestStore implements AutoCloseable {
        final StoreBackend backend;
        final String url;
        final String username;
        final String password;
        private final Path scratch;
        private Database database;

        TestStore(StoreBackend backend, String url, String username, String password, Path scratch) {
            this.backend = backend;
            this.url = url;
            this.username = username;
            this.password = password;
            this.scratch = scratch;
        }

        Database open() {
            return Database.open(url, username, password, 4);
        }

        /** The shared Database of a test class, opened on first use. */
        Database database() {
            if (database == null) {
                database = open();
            }
            return database;
        }

        /** Deletes every row so each test starts from an empty schema. */
        void wipe() {
            try (Connection connection = database().dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                for (String table : new String[] {
                    "audit_events",
                    "notification_deliveries",
                    "notification_targets",
                    "usage_counters",
                    "usage_refusals",
                    "tokens",
                    "group_members",
                    "user_groups",
                    "users"
                }) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot wipe test database", e);
            }
        }

        @Override
        public void close() {
            if (database != null) {
                database.close();
            }
            if (scratch != null) {
                try (Stream<Path> paths = Files.walk(scratch)) {
                    paths.sorted(Comparator.reverseOrder())
                            .forEach(path -> path.toFile().delete());
                } catch (IOException ignored) {
                    // temp files; leftovers are harmless
                }
            }
        }
    }
}
