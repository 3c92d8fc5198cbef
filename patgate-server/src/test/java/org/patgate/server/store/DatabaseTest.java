package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class DatabaseTest extends StoreTestBase {

    private static final String SECRET = DatabaseOpenFailureTest.SECRET;

    @Test
    void reportsTheKindOfDatabase() {
        assertThat(db.kind().name()).isEqualTo(backend.name());
    }

    @Test
    void migrationsAreIdempotentAndDataSurvivesReopening() throws SQLException {
        UserRecord alice = user("alice");
        int historyRows = historyRows(db, "");
        assertThat(historyRows(db, " WHERE \"version\" = '1' AND \"success\" = TRUE"))
                .isEqualTo(1);

        try (Database reopened = store().open()) {
            assertThat(reopened.users().findByUsername("ALICE")).contains(alice);
            assertThat(historyRows(reopened, "")).isEqualTo(historyRows);
        }
        try (Database again = store().open()) {
            assertThat(historyRows(again, "")).isEqualTo(historyRows);
            assertThat(again.users().count()).isEqualTo(1);
        }
        assertThat(db.users().count()).isEqualTo(1);
    }

    @Test
    void aPoolOfOneConnectionStillMigratesAFreshDatabase() {
        try (StoreBackend.TestStore fresh = backend.create();
                Database single = Database.open(fresh.url, fresh.username, fresh.password, 1)) {
            single.users().create(new NewUser("solo", null, null, null, NewUser.SOURCE_LOCAL, true));
            assertThat(single.users().findByUsername("SOLO")).isPresent();
        }
    }

    @Test
    void timestampsRoundTripAsUtcMicroseconds() {
        Instant nanos = Instant.parse("2031-12-31T23:59:59.999999999Z");
        Instant epoch = Instant.EPOCH;
        db.audit().append(new NewAuditEvent(nanos, "a", "late", null, null, null, null));
        db.audit().append(new NewAuditEvent(epoch, "a", "epoch", null, null, null, null));

        var events = db.audit()
                .search(new AuditQuery("a", null, null, null, new PageRequest(0, 10)))
                .items();
        assertThat(events)
                .extracting(AuditEvent::occurredAt)
                .containsExactly(Instant.parse("2031-12-31T23:59:59.999999Z"), epoch);
    }

    @Test
    void wrongPasswordFailsWithoutRevealingIt() {
        assertThatThrownBy(() -> Database.open(store().url, store().username, SECRET, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(store().url)
                .satisfies(DatabaseOpenFailureTest::revealsNoSecret);
    }

    private static int historyRows(Database database, String where) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\"" + where)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
