package org.patgate.server.upstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.audit.SecretRedactor;
import org.patgate.server.config.CredentialKeys;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;
import org.patgate.server.testing.Backend;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * Base of the link service tests: each runs once on H2 and once on a real PostgreSQL (one database
 * per class and backend, emptied before each test), with a fresh {@link UpstreamLinks} on a clock
 * the test moves and an upstream product played in memory ({@link FakeProduct}).
 */
@PostgresTest
abstract class UpstreamLinksTestBase {

    static final String PASSWORD = "alice-directory-password-1";

    private static Path dir;
    static Database database;

    @Parameter
    Backend backend;

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final CredentialKeys keys = CredentialKeys.generate();
    FakeProduct product;
    AuditLog audit;
    UpstreamLinks links;
    Principal alice;
    Principal bob;
    Principal admin;

    @BeforeParameterizedClassInvocation
    static void openDatabase(Backend backend) throws IOException {
        dir = Files.createTempDirectory("patgate-links-");
        if (backend == Backend.H2) {
            database = Database.open("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", 4);
        } else {
            PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
            database = Database.open(db.jdbcUrl(), db.username(), db.password(), 4);
        }
    }

    @AfterParameterizedClassInvocation
    static void closeDatabase() {
        database.close();
        FileTrees.deleteQuietly(dir);
    }

    @BeforeEach
    final void freshService() throws SQLException {
        sql("DELETE FROM audit_events", "DELETE FROM upstream_links", "DELETE FROM users");
        product = new FakeProduct(clock);
        audit = new AuditLog(database.audit(), clock, new SecretRedactor(TokenFormat.withDefaultPrefix()));
        links = new UpstreamLinks(database, new CredentialCipher(keys), product, audit, clock, Duration.ofMinutes(5));
        alice = principal("alice", false);
        bob = principal("bob", false);
        admin = principal("root", true);
    }

    /** The audit trail so far: "actor action target outcome detail" per event, oldest first. */
    List<String> audit() {
        List<String> lines = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT actor, action, target, outcome, detail FROM audit_events ORDER BY id")) {
            while (rows.next()) {
                lines.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
                        + rows.getString(4) + " " + rows.getString(5));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return lines;
    }

    Principal principal(String username, boolean isAdmin) {
        long id = database.users()
                .create(new NewUser(username, username, null, null, NewUser.SOURCE_LOCAL, true))
                .id();
        return new Principal(
                id, username, username, Set.of(), isAdmin ? Set.of(Permission.ADMIN) : Set.of(Permission.USE_TOKENS));
    }

    static void sql(String... statements) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        }
    }
}
