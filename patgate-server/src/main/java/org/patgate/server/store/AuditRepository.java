package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.patgate.server.store.internal.Jdbc;
import org.patgate.server.store.internal.Where;

/**
 * The audit trail: append-only events and a filtered, newest-first search. Values longer than
 * their column are truncated rather than refused, so recording an event never fails on the
 * length of user-supplied text. Thread-safe.
 */
public final class AuditRepository {

    private static final String INSERT = """
            INSERT INTO audit_events (occurred_at, actor, action, target, source_ip, outcome, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";
    private static final String SELECT = """
            SELECT id, occurred_at, actor, action, target, source_ip, outcome, detail FROM audit_events""";
    private static final String ORDER = " ORDER BY occurred_at DESC, id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    private static final String COUNT = "SELECT COUNT(*) FROM audit_events";

    // search conditions; AuditQuery decides which apply
    private static final String ACTOR_IS = "actor = ?";
    private static final String ACTION_IS = "action = ?";
    private static final String TARGET_IS = "target = ?";
    private static final String AT_OR_AFTER = "occurred_at >= ?";
    private static final String BEFORE = "occurred_at < ?";

    // column sizes in V1__initial_schema.sql
    private static final int ACTOR_LENGTH = 255;
    private static final int ACTION_LENGTH = 64;
    private static final int TARGET_LENGTH = 255;
    private static final int SOURCE_IP_LENGTH = 45;
    private static final int OUTCOME_LENGTH = 16;
    private static final int DETAIL_LENGTH = 1000;

    private final Jdbc jdbc;

    AuditRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends one event; over-long fields are cut to their column size. */
    public void append(NewAuditEvent event) {
        Objects.requireNonNull(event, "event");
        jdbc.update("append audit event '" + Jdbc.truncate(event.action(), ACTION_LENGTH) + "'", INSERT, statement -> {
            Jdbc.setInstant(statement, 1, event.occurredAt());
            statement.setString(2, Jdbc.truncate(event.actor(), ACTOR_LENGTH));
            statement.setString(3, Jdbc.truncate(event.action(), ACTION_LENGTH));
            statement.setString(4, Jdbc.truncate(event.target(), TARGET_LENGTH));
            statement.setString(5, Jdbc.truncate(event.sourceIp(), SOURCE_IP_LENGTH));
            statement.setString(6, Jdbc.truncate(event.outcome(), OUTCOME_LENGTH));
            statement.setString(7, Jdbc.truncate(event.detail(), DETAIL_LENGTH));
        });
    }

    /** Events matching every given filter, newest first, with the total number of matches. */
    public Page<AuditEvent> search(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        Where where = new Where();
        if (query.actor() != null) {
            where.and(ACTOR_IS, query.actor());
        }
        if (query.action() != null) {
            where.and(ACTION_IS, query.action());
        }
        if (query.target() != null) {
            where.and(TARGET_IS, query.target());
        }
        if (query.from() != null) {
            where.and(AT_OR_AFTER, query.from());
        }
        if (query.to() != null) {
            where.and(BEFORE, query.to());
        }
        PageRequest page = query.page();
        List<AuditEvent> items = jdbc.list(
                "search audit events",
                SELECT + where.sql() + ORDER,
                statement -> {
                    int next = where.bind(statement, 1);
                    statement.setLong(next, page.offset());
                    statement.setInt(next + 1, page.size());
                },
                AuditRepository::map);
        long total = jdbc.count("count audit events", COUNT + where.sql(), statement -> where.bind(statement, 1));
        return Page.of(items, total, page);
    }

    private static AuditEvent map(ResultSet row) throws SQLException {
        return new AuditEvent(
                row.getLong("id"),
                Jdbc.getInstant(row, "occurred_at"),
                row.getString("actor"),
                row.getString("action"),
                row.getString("target"),
                row.getString("source_ip"),
                row.getString("outcome"),
                row.getString("detail"));
    }
}
