package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.patgate.server.store.internal.Jdbc;

/**
 * Hourly request counters per token, added to in batches by the activity writer and read for
 * charts. Adding is an upsert, safe when several nodes add to the same hour. Thread-safe.
 */
public final class UsageRepository {

    /** Which token in which hour: the key of a counter. */
    public record HourKey(String tokenId, Instant hourStart) {

        public HourKey {
            Objects.requireNonNull(tokenId, "tokenId");
            hourStart = hourStart.truncatedTo(ChronoUnit.HOURS);
        }
    }

    // Counters of tokens deleted meanwhile are skipped (the SELECT finds no token).
    private static final String ADD_POSTGRESQL = """
            INSERT INTO token_usage_hourly (token_id, hour_start, requests, failed)
            SELECT id, ?, ?, ? FROM tokens WHERE id = ?
            ON CONFLICT (token_id, hour_start) DO UPDATE
            SET requests = token_usage_hourly.requests + EXCLUDED.requests,
                failed = token_usage_hourly.failed + EXCLUDED.failed""";
    private static final String ADD_H2 = """
            MERGE INTO token_usage_hourly u
            USING (SELECT id AS token_id, CAST(? AS TIMESTAMP WITH TIME ZONE) AS hour_start,
                          CAST(? AS BIGINT) AS requests, CAST(? AS BIGINT) AS failed FROM tokens WHERE id = ?) s
            ON (u.token_id = s.token_id AND u.hour_start = s.hour_start)
            WHEN MATCHED THEN UPDATE SET requests = u.requests + s.requests, failed = u.failed + s.failed
            WHEN NOT MATCHED THEN INSERT (token_id, hour_start, requests, failed)
                VALUES (s.token_id, s.hour_start, s.requests, s.failed)""";
    private static final String RANGE = """
            SELECT hour_start, requests, failed FROM token_usage_hourly
            WHERE token_id = ? AND hour_start >= ? AND hour_start < ? ORDER BY hour_start""";
    private static final String EXPIRE = "DELETE FROM token_usage_hourly WHERE hour_start < ?";

    private final Jdbc jdbc;
    private final String add;

    UsageRepository(Jdbc jdbc, Database.Kind kind) {
        this.jdbc = jdbc;
        this.add = kind == Database.Kind.POSTGRESQL ? ADD_POSTGRESQL : ADD_H2;
    }

    /** Adds {@code [requests, failed]} to each counter, in one transaction. */
    public void add(Map<HourKey, long[]> counts) {
        Objects.requireNonNull(counts, "counts");
        if (counts.isEmpty()) {
            return;
        }
        jdbc.inTransaction("add usage of " + counts.size() + " token hours", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(add)) {
                for (Map.Entry<HourKey, long[]> entry : counts.entrySet()) {
                    Jdbc.setInstant(statement, 1, entry.getKey().hourStart());
                    statement.setLong(2, entry.getValue()[0]);
                    statement.setLong(3, entry.getValue()[1]);
                    statement.setString(4, entry.getKey().tokenId());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    /** The hours with requests in {@code [from, to)}, oldest first; hours without requests are absent. */
    public List<HourlyUsage> between(String tokenId, Instant from, Instant to) {
        return jdbc.list(
                "read hourly usage of token " + tokenId,
                RANGE,
                s -> {
                    s.setString(1, tokenId);
                    Jdbc.setInstant(s, 2, from);
                    Jdbc.setInstant(s, 3, to);
                },
                row -> new HourlyUsage(
                        Jdbc.getInstant(row, "hour_start"), row.getLong("requests"), row.getLong("failed")));
    }

    /** Deletes counters of hours that started before {@code cutoff}; returns how many. */
    public int expireBefore(Instant cutoff) {
        return jdbc.update("expire hourly usage", EXPIRE, s -> Jdbc.setInstant(s, 1, cutoff));
    }
}
