package org.patgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewUser;

@PostgresTest
class PostgresFixtureTest {

    @Test
    void serverIsSharedAndReachableOnLoopback() throws SQLException {
        PostgresFixture fixture = PostgresFixture.start();
        PostgresFixture.TestDatabase database = fixture.createDatabase();

        assertThat(PostgresFixture.start()).isSameAs(fixture);
        assertThat(database.jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + fixture.port() + "/" + database.name());
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_database(), pg_backend_pid()")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo(database.name());
        }
    }

    @Test
    void serverNeverRunsAsRoot() throws Exception {
        PostgresFixture.TestDatabase database = PostgresFixture.start().createDatabase();
        // The backend is read while the connection is open: it exits when the connection closes.
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            Path status = Path.of("/proc", Long.toString(row.getLong(1)), "status");
            if (Files.exists(status)) {
                String uidLine = Files.readAllLines(status).stream()
                        .filter(l -> l.startsWith("Uid:"))
                        .findFirst()
                        .orElseThrow();
                assertThat(uidLine.split("\\s+")[1]).isNotEqualTo("0");
                if (new UnixSystem().getUid() == 0) {
                    assertThat(uidLine.split("\\s+")[1]).isEqualTo("65534");
                }
            }
        }
    }

    @Test
    @EnabledOnOs(
            value = OS.LINUX,
            architectures = {"amd64", "x86_64"}) // zonky's fallback trusts every login
    void wrongPasswordIsRejected() {
        PostgresFixture.TestDatabase database = PostgresFixture.start().createDatabase();

        assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), database.username(), "wrong")
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void eachCreatedDatabaseIsSeparate() {
        PostgresFixture fixture = PostgresFixture.start();
        PostgresFixture.TestDatabase one = fixture.createDatabase();
        PostgresFixture.TestDatabase two = fixture.createDatabase();

        assertThat(one.name()).isNotEqualTo(two.name());
        try (Database first = Database.open(one.jdbcUrl(), one.username(), one.password(), 1);
                Database second = Database.open(two.jdbcUrl(), two.username(), two.password(), 1)) {
            first.users().create(new NewUser("only-in-one", null, null, null, NewUser.SOURCE_LOCAL, true));
            assertThat(first.kind()).isEqualTo(Database.Kind.POSTGRESQL);
            assertThat(first.users().count()).isEqualTo(1);
            assertThat(second.users().count()).isZero();
        }
    }
}
