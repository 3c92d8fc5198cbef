package org.patgate.server.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.patgate.server.store.internal.Jdbc;

/**
 * The cluster's change log ({@code changes}). {@link #record} joins the transaction open on the
 * calling thread, so the row commits or rolls back with the change it describes; on PostgreSQL the
 * same statement sends the notification, which PostgreSQL delivers only on commit. On H2 (one node,
 * nobody listens) {@link #record} does nothing. Thread-safe.
 */
public final class ChangeRepository {

    /** The PostgreSQL notification channel every node listens on. */
    public static final String CHANNEL = "patgate_changes";

    // One round trip: the row and its notification, '<seq>:<kind>:<subject>'.
    private static final String RECORD_AND_NOTIFY = """
            WITH c AS (INSERT INTO changes (kind, subject, at) VALUES (?, ?, ?) RETURNING seq)
            SELECT pg_notify('patgate_changes', c.seq || ':' || ? || ':' || ?) FROM c""";
    private static final String AFTER = """
            SELECT seq, kind, subject, at FROM changes WHERE seq > ? ORDER BY seq FETCH FIRST ? ROWS ONLY""";
    private static final String LAST = "SELECT MAX(seq) FROM changes";
    private static final String FIRST = "SELECT MIN(seq) FROM changes";
    // The newest row stays whatever its age: see purgeBefore.
    private static final String PURGE = "DELETE FROM changes WHERE at < ? AND seq < (SELECT MAX(seq) FROM changes)";

    private final Jdbc jdbc;
    private final Database.Kind databaseKind;
    private final Clock clock;

    ChangeRepository(Jdbc jdbc, Database.Kind databaseKind, Clock clock) {
        this.jdbc = jdbc;
        this.databaseKind = databaseKind;
        this.clock = clock;
    }

    /**
     * Logs a change and notifies the other nodes when it commits. Call it inside the transaction
     * that makes the change ({@link Database#inTransaction}); outside one it commits at once.
     *
     * @param subject see {@link Change#subject()}; never a secret
     */
    public void record(Change.Kind kind, String subject) {
        if (databaseKind != Database.Kind.POSTGRESQL) {
            return;
        }
        String shown = subject == null ? "" : subject;
        jdbc.withConnection(
                "record a " + kind.wireName() + " change",
                connection -> Jdbc.one(
                        connection,
                        RECORD_AND_NOTIFY,
                        s -> {
                            s.setString(1, kind.wireName());
                            s.setString(2, shown);
                            Jdbc.setInstant(s, 3, clock.instant());
                            s.setString(4, kind.wireName());
                            s.setString(5, shown);
                        },
                        row -> Boolean.TRUE));
    }

    /** At most {@code limit} changes after {@code seq}, oldest first. */
    public List<Change> after(long seq, int limit) {
        return jdbc.list(
                "read changes",
                AFTER,
                s -> {
                    s.setLong(1, seq);
                    s.setInt(2, limit);
                },
                row -> new Change(
                        row.getLong("seq"),
                        Change.Kind.fromWireName(row.getString("kind")),
                        row.getString("subject"),
                        Jdbc.getInstant(row, "at")));
    }

    /** The newest seq in the log, 0 when it is empty. */
    public long lastSeq() {
        return jdbc.one("read the last change", LAST, Jdbc.NO_PARAMETERS, row -> row.getLong(1))
                .orElse(0L);
    }

    /** The oldest seq still in the log, empty when it is empty. */
    public OptionalLong firstSeq() {
        return jdbc.one("read the first change", FIRST, Jdbc.NO_PARAMETERS, row -> {
                    long seq = row.getLong(1);
                    return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(seq);
                })
                .orElse(OptionalLong.empty());
    }

    /**
     * Deletes changes logged before {@code cutoff} except the newest, which stays so that {@link
     * #firstSeq} still shows a node back from a long absence that rows it needed are gone; returns how
     * many.
     */
    public int purgeBefore(Instant cutoff) {
        return jdbc.update("purge old changes", PURGE, s -> Jdbc.setInstant(s, 1, cutoff));
    }
}
