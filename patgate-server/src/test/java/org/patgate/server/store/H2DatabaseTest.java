package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2-specific behaviour of {@link Database}: the URLs PATgate users write. */
class H2DatabaseTest {

    @Test
    void inMemoryDatabaseKeepsItsSchemaAfterMigration() {
        try (Database db = Database.open("jdbc:h2:mem:patgate-h2-test", "sa", "", 2)) {
            assertThat(db.kind()).isEqualTo(Database.Kind.H2);
            db.groups().create("admins", null);
            assertThat(db.groups().findByName("ADMINS")).isPresent();
        }
    }

    @Test
    void fileDatabaseIsCreatedAtARelativeStylePathAndReleasedOnClose(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data").resolve("patgate");
        try (Database db = Database.open(url, "", "", 2)) {
            db.users().create(new NewUser("alice", null, null, null, NewUser.SOURCE_LOCAL, true));
        }
        assertThat(Files.exists(dir.resolve("data").resolve("patgate.mv.db"))).isTrue();
        // closing released the file: the database opens again in this JVM with its data
        try (Database db = Database.open(url, "", "", 2)) {
            assertThat(db.users().count()).isEqualTo(1);
        }
    }

    @Test
    void requestForABusyPoolFailsAfterTheConfiguredConnectionTimeout() throws Exception {
        try (Database db = Database.open("jdbc:h2:mem:patgate-h2-timeout", "sa", "", 1, Duration.ofMillis(300));
                Connection held = db.dataSource().getConnection()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            // the default (10 s) would still be waiting; the bound leaves a loaded machine room
            assertThat(waited).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
            assertThat(held.isValid(1)).isTrue();
        }
    }
}
