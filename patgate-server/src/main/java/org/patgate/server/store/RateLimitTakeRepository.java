package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.patgate.server.store.internal.Jdbc;

/**
 * What each node let through per rate-limit bucket ({@code rate_limit_takes}): every node adds its own
 * requests, and reads the others' rows changed since it last looked. Times are the database's, so the
 * nodes' clocks need not agree. Thread-safe.
 */
public final class RateLimitTakeRepository {

    /**
     * One node's running total for one bucket.
     *
     * @param takenBefore the total one addition earlier: {@code taken - takenBefore} is the last addition
     * @param createdAt   when the node first added to the bucket
     */
    public record Take(String bucket, String node, long taken, long takenBefore, Instant createdAt) {}

    /** The others' rows changed since a time, and the database's time when they were read. */
    public record Changes(List<Take> takes, Instant readAt) {}

    private static final String ADD_POSTGRESQL = """
            INSERT INTO rate_limit_takes (bucket, node, taken, taken_before, created_at, updated_at)
            VALUES (?, ?, ?, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
            ON CONFLICT (bucket, node) DO UPDATE SET taken_before = rate_limit_takes.taken,
                taken = rate_limit_takes.taken + EXCLUDED.taken, updated_at = EXCLUDED.updated_at""";
    private static final String ADD_H2 = """
            MERGE INTO rate_limit_takes t
            USING (SELECT CAST(? AS VARCHAR(80)) AS bucket, CAST(? AS VARCHAR(128)) AS node,
                          CAST(? AS BIGINT) AS taken) s
            ON (t.bucket = s.bucket AND t.node = s.node)
            WHEN MATCHED THEN UPDATE SET taken_before = t.taken, taken = t.taken + s.taken,
                updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT (bucket, node, taken, taken_before, created_at, updated_at)
                VALUES (s.bucket, s.node, s.taken, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""";
    private static final String NOW = "SELECT CURRENT_TIMESTAMP AS now";
    private static final String CHANGED = """
            SELECT bucket, node, taken, taken_before, created_at FROM rate_limit_takes
            WHERE updated_at >= ? AND node <> ?""";
    private static final String PURGE = "DELETE FROM rate_limit_takes WHERE updated_at < ?";

    private final Jdbc jdbc;
    private final String add;

    RateLimitTakeRepository(Jdbc jdbc, Database.Kind kind) {
        this.jdbc = jdbc;
        this.add = kind == Database.Kind.POSTGRESQL ? ADD_POSTGRESQL : ADD_H2;
    }

    /** Adds what {@code node} let through per bucket since its last addition, in one transaction. */
    public void add(String node, Map<String, Long> taken) {
        if (taken.isEmpty()) {
            return;
        }
        jdbc.inTransaction("add the requests let through under rate limits", connection -> {
            try (var statement = connection.prepareStatement(add)) {
                // In name order, so two nodes adding the same buckets take their row locks in one order.
                for (Map.Entry<String, Long> entry : new java.util.TreeMap<>(taken).entrySet()) {
                    statement.setString(1, entry.getKey());
                    statement.setString(2, node);
                    statement.setLong(3, entry.getValue());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /** The other nodes' rows changed at or after {@code since} (the database's time); all of them when null. */
    public Changes changedSince(Instant since, String exceptNode) {
        return jdbc.withConnection("read the requests other nodes let through under rate limits", connection -> {
            Instant now = Jdbc.one(connection, NOW, s -> {}, row -> Jdbc.getInstant(row, "now"))
                    .orElseThrow();
            List<Take> takes = Jdbc.list(
                    connection,
                    CHANGED,
                    s -> {
                        Jdbc.setInstant(s, 1, since == null ? Instant.EPOCH : since);
                        s.setString(2, exceptNode);
                    },
                    RateLimitTakeRepository::map);
            return new Changes(takes, now);
        });
    }

    /** Removes rows unchanged since {@code before}; answers how many. */
    public int purge(Instant before) {
        return jdbc.update("purge old rate-limit counts", PURGE, s -> Jdbc.setInstant(s, 1, before));
    }

    private static Take map(ResultSet row) throws SQLException {
        return new Take(
                row.getString("bucket"),
                row.getString("node"),
                row.getLong("taken"),
                row.getLong("taken_before"),
                Jdbc.getInstant(row, "created_at"));
    }
}
