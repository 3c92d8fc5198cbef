package org.patgate.server.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.cluster.ChangePropagation;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.cluster.LocalCaches;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.testing.Polling;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * The listener on a real PostgreSQL, with a connection source the test can refuse: changes arrive by
 * notification, a change rolled back is never seen, changes missed while the connection was down are
 * replayed, a gap that cannot be proved complete makes the node forget everything, and while it
 * cannot listen the node keeps forgetting its caches.
 */
@PostgresTest
class ChangeListenerTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private PostgresFixture.TestDatabase db;
    private Database database;
    private final AtomicBoolean mayConnect = new AtomicBoolean(true);
    private final AtomicInteger connectAttempts = new AtomicInteger();
    /** What the node did, in order: "forget" or "kind:subject". */
    private final List<String> events = new CopyOnWriteArrayList<>();

    private ChangeListener listener;

    @BeforeEach
    void open() {
        db = PostgresFixture.start().createDatabase();
        database = Database.open(db.jdbcUrl(), db.username(), db.password(), 4);
        listener = new ChangeListener(
                () -> {
                    connectAttempts.incrementAndGet();
                    if (!mayConnect.get()) {
                        throw new SQLException("refused by the test", "08001");
                    }
                    return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                },
                database.changes(),
                new ChangeListener.Target() {
                    @Override
                    public void apply(Change change) {
                        events.add(change.kind().wireName() + ":" + change.subject());
                    }

                    @Override
                    public void forgetEverything() {
                        events.add("forget");
                    }
                },
                Clock.systemUTC(),
                ChangePropagation.RETENTION);
        assertThat(listener.start(BOUND)).isTrue();
    }

    @AfterEach
    void close() {
        listener.close();
        database.close();
    }

    @Test
    void committedChangeArrivesByNotification() {
        database.inTransaction("test change", () -> database.changes().record(Change.Kind.OWNER, "42"));

        waitUntil(() -> events.contains("owner:42"), "the change arrives");
        assertThat(listener.lastSeq()).isEqualTo(database.changes().lastSeq());
    }

    @Test
    void changeRolledBackIsNeitherLoggedNorNotified() {
        assertThatThrownBy(() -> database.inTransaction("failing change", () -> {
                    database.changes().record(Change.Kind.TOKEN, "aa");
                    throw new IllegalStateException("the change fails");
                }))
                .isInstanceOf(IllegalStateException.class);
        database.changes().record(Change.Kind.TOKEN, "bb");

        // Notifications come in commit order: had the first been sent, it would be here before this one.
        waitUntil(() -> events.contains("token:bb"), "the committed change arrives");
        assertThat(events).doesNotContain("token:aa");
        assertThat(database.changes().after(0, 10)).extracting(Change::subject).containsExactly("bb");
    }

    @Test
    void changesMissedWhileDisconnectedAreReplayedBeforeTheNodeTrustsItsCaches() throws SQLException {
        database.changes().record(Change.Kind.OWNER, "1");
        waitUntil(() -> events.contains("owner:1"), "the first change arrives");

        disconnect();
        database.changes().record(Change.Kind.TOKEN, "cafe");
        database.changes().record(Change.Kind.SETTINGS, "");
        mayConnect.set(true);

        waitUntil(() -> listener.listening() && listener.resyncs() == 1, "the listener is back");
        assertThat(events).contains("token:cafe", "settings:");
        // The log was complete: the replay, not a blanket forget, is the last thing done.
        assertThat(events.getLast()).isEqualTo("settings:");
        assertThat(listener.lastSeq()).isEqualTo(database.changes().lastSeq());
    }

    @Test
    void gapThatCannotBeProvedCompleteMakesTheNodeForgetEverything() throws SQLException {
        database.changes().record(Change.Kind.OWNER, "1");
        waitUntil(() -> events.contains("owner:1"), "the first change arrives");

        disconnect();
        database.changes().record(Change.Kind.TOKEN, "cafe");
        database.changes().record(Change.Kind.SETTINGS, ""); // the newest row, which a purge keeps
        database.changes().purgeBefore(Instant.now().plusSeconds(60));
        database.changes().record(Change.Kind.OWNER, "2");
        mayConnect.set(true);

        waitUntil(() -> listener.listening() && listener.resyncs() == 1, "the listener is back");
        assertThat(events).contains("owner:2").doesNotContain("token:cafe");
        assertThat(events.getLast()).isEqualTo("forget");
    }

    @Test
    void whileItCannotListenTheNodeKeepsForgettingItsCaches() throws SQLException {
        disconnect();
        long forgotten = listener.forgotten();

        waitUntil(() -> listener.forgotten() >= forgotten + 3, "three more forgets while disconnected");
        assertThat(listener.listening()).isFalse();
    }

    @Test
    void whenTheDatabaseDoesNotAnswerTheNodeKeepsItsCaches() throws SQLException {
        mayConnect.set(false);
        // The pool stops answering, as with the database down: nobody can commit a change then.
        database.close();
        long forgotten = listener.forgotten();
        int pid = listener.backendPid();
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.execute();
        }
        int attempts = connectAttempts.get();

        waitUntil(() -> connectAttempts.get() >= attempts + 4, "four reconnection attempts");
        assertThat(listener.listening()).isFalse();
        assertThat(listener.forgotten()).isEqualTo(forgotten);
    }

    @Test
    void purgeRemovesOnlyRowsOlderThanTheCutoffButNeverTheNewest() {
        database.changes().record(Change.Kind.ALL, "");
        database.changes().record(Change.Kind.ALL, "");
        assertThat(database.changes().purgeBefore(Instant.now().minus(ChangePropagation.RETENTION)))
                .isZero();
        assertThat(database.changes().purgeBefore(Instant.now().plusSeconds(60)))
                .isEqualTo(1);
        assertThat(database.changes().firstSeq()).hasValue(database.changes().lastSeq());
    }

    @Test
    void onH2NothingIsLoggedAndNothingListens() {
        try (Database h2 = Database.open("jdbc:h2:mem:changes-" + System.nanoTime(), "", "", 2)) {
            h2.changes().record(Change.Kind.TOKEN, "cafe");
            assertThat(h2.changes().after(0, 10)).isEmpty();
            LocalCaches nothing = new LocalCaches(d -> {}, o -> {}, () -> {}, () -> {}, u -> {}, () -> {});
            try (ChangePropagation propagation = ChangePropagation.start(
                    h2, "jdbc:h2:mem:x", "", "", nothing, Clock.systemUTC(), ClusterJobs.local())) {
                assertThat(propagation.enabled()).isFalse();
                assertThat(propagation.listening()).isFalse();
            }
        }
    }

    /** Refuses new connections and terminates the listening one; returns once the listener noticed. */
    private void disconnect() throws SQLException {
        mayConnect.set(false);
        int pid = listener.backendPid();
        try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.execute();
        }
        waitUntil(() -> !listener.listening(), "the listener notices");
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        Polling.waitUntil(BOUND, what, condition);
    }
}
