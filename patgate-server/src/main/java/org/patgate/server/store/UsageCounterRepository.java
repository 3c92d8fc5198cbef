package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.patgate.server.store.internal.Jdbc;

/**
 * Usage analytics counters ({@code usage_counters}, {@code usage_refusals}): per minute (span
 * {@code minute}) and per hour (span {@code hour}), per dimension and key. The activity writer adds
 * minutes in batches; adding is an upsert, safe when several nodes add to the same row. Reading sums
 * a window's rows per key. Thread-safe.
 */
public final class UsageCounterRepository {

    /** How finely rows are kept. */
    public enum Span {
        MINUTE,
        HOUR;

        String column() {
            return this == MINUTE ? "minute" : "hour";
        }
    }

    /** The counter columns in the order of {@link UsageCount}'s counts. */
    private static final List<String> COLUMNS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                            "requests",
                            "refused",
                            "rate_limited",
                            "status_2xx",
                            "status_3xx",
                            "status_4xx",
                            "status_5xx"),
                    IntStream.range(0, UsageCount.LATENCY_BUCKETS).mapToObj(i -> String.format("lat_%02d", i)))
            .toList();

    private static final String KEY_COLUMNS = "span, dimension, usage_key, bucket_start";
    private static final String ADD_POSTGRESQL = "INSERT INTO usage_counters (" + KEY_COLUMNS + ", "
            + String.join(", ", COLUMNS) + ") VALUES (?, ?, ?, ?" + ", ?".repeat(COLUMNS.size()) + ")"
            + " ON CONFLICT (" + KEY_COLUMNS + ") DO UPDATE SET "
            + COLUMNS.stream()
                    .map(c -> c + " = usage_counters." + c + " + EXCLUDED." + c)
                    .collect(Collectors.joining(", "));
    private static final String ADD_H2 = "MERGE INTO usage_counters u USING (SELECT CAST(? AS VARCHAR(8)) AS span,"
            + " CAST(? AS VARCHAR(8)) AS dimension, CAST(? AS VARCHAR(512)) AS usage_key,"
            + " CAST(? AS TIMESTAMP WITH TIME ZONE) AS bucket_start, "
            + COLUMNS.stream().map(c -> "CAST(? AS BIGINT) AS " + c).collect(Collectors.joining(", "))
            + ") s ON (u.span = s.span AND u.dimension = s.dimension AND u.usage_key = s.usage_key"
            + " AND u.bucket_start = s.bucket_start)"
            + " WHEN MATCHED THEN UPDATE SET "
            + COLUMNS.stream().map(c -> c + " = u." + c + " + s." + c).collect(Collectors.joining(", "))
            + " WHEN NOT MATCHED THEN INSERT (" + KEY_COLUMNS + ", " + String.join(", ", COLUMNS) + ") VALUES ("
            + "s.span, s.dimension, s.usage_key, s.bucket_start, "
            + COLUMNS.stream().map(c -> "s." + c).collect(Collectors.joining(", ")) + ")";
    private static final String ADD_REFUSALS_POSTGRESQL = """
            INSERT INTO usage_refusals (span, dimension, usage_key, bucket_start, reason, refusals)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (span, dimension, usage_key, bucket_start, reason) DO UPDATE
            SET refusals = usage_refusals.refusals + EXCLUDED.refusals""";
    private static final String ADD_REFUSALS_H2 = """
            MERGE INTO usage_refusals u
            USING (SELECT CAST(? AS VARCHAR(8)) AS span, CAST(? AS VARCHAR(8)) AS dimension,
                          CAST(? AS VARCHAR(512)) AS usage_key, CAST(? AS TIMESTAMP WITH TIME ZONE) AS bucket_start,
                          CAST(? AS VARCHAR(64)) AS reason, CAST(? AS BIGINT) AS refusals) s
            ON (u.span = s.span AND u.dimension = s.dimension AND u.usage_key = s.usage_key
                AND u.bucket_start = s.bucket_start AND u.reason = s.reason)
            WHEN MATCHED THEN UPDATE SET refusals = u.refusals + s.refusals
            WHEN NOT MATCHED THEN INSERT (span, dimension, usage_key, bucket_start, reason, refusals)
                VALUES (s.span, s.dimension, s.usage_key, s.bucket_start, s.reason, s.refusals)""";

    /** The rows of one window; a user's rows are those of the tokens they own. */
    private static String from(UsageDimension dimension, String table) {
        return dimension == UsageDimension.USER
                ? " FROM " + table + " c JOIN tokens t ON t.id = c.usage_key JOIN users o ON o.id = t.owner_id"
                        + " WHERE c.span = ? AND c.dimension = 'token' AND c.bucket_start >= ?"
                : " FROM " + table + " c WHERE c.span = ? AND c.dimension = '" + dimension.stored() + "'"
                        + " AND c.bucket_start >= ?";
    }

    private static String key(UsageDimension dimension) {
        return dimension == UsageDimension.USER ? "o.username" : "c.usage_key";
    }

    private final Jdbc jdbc;
    private final String add;
    private final String addRefusals;

    UsageCounterRepository(Jdbc jdbc, Database.Kind kind) {
        this.jdbc = jdbc;
        this.add = kind == Database.Kind.POSTGRESQL ? ADD_POSTGRESQL : ADD_H2;
        this.addRefusals = kind == Database.Kind.POSTGRESQL ? ADD_REFUSALS_POSTGRESQL : ADD_REFUSALS_H2;
    }

    /** Adds each minute to its minute row and to its hour row, in one transaction. */
    public void add(List<UsageCount> counts) {
        Objects.requireNonNull(counts, "counts");
        if (counts.isEmpty()) {
            return;
        }
        jdbc.inTransaction("add " + counts.size() + " usage counters", connection -> {
            try (PreparedStatement rows = connection.prepareStatement(add);
                    PreparedStatement refusals = connection.prepareStatement(addRefusals)) {
                for (UsageCount count : counts) {
                    for (Span span : Span.values()) {
                        Instant bucket = span == Span.MINUTE
                                ? count.minute()
                                : count.minute().truncatedTo(ChronoUnit.HOURS);
                        bindKey(rows, span, count, bucket);
                        for (int i = 0; i < UsageCount.WIDTH; i++) {
                            rows.setLong(5 + i, count.counts()[i]);
                        }
                        rows.addBatch();
                        for (Map.Entry<String, Long> refusal : count.refusals().entrySet()) {
                            bindKey(refusals, span, count, bucket);
                            refusals.setString(5, Jdbc.truncate(refusal.getKey(), 64));
                            refusals.setLong(6, refusal.getValue());
                            refusals.addBatch();
                        }
                    }
                }
                rows.executeBatch();
                refusals.executeBatch();
            }
            return null;
        });
    }

    private static void bindKey(PreparedStatement statement, Span span, UsageCount count, Instant bucket)
            throws SQLException {
        statement.setString(1, span.column());
        statement.setString(2, count.dimension());
        statement.setString(3, Jdbc.truncate(count.key(), 512));
        Jdbc.setInstant(statement, 4, bucket);
    }

    /**
     * The keys with the highest {@code orderBy} sum (a counter column: {@code requests}, {@code refused},
     * {@code rate_limited}, {@code status_5xx}) in the rows of {@code span} from {@code since} on, at most
     * {@code limit}, with their summed counters and refusals by reason.
     */
    public List<UsageTotals> top(UsageDimension dimension, Span span, Instant since, String orderBy, int limit) {
        if (!COLUMNS.contains(orderBy)) {
            throw new IllegalArgumentException("not a usage counter: " + orderBy);
        }
        String label = dimension == UsageDimension.TOKEN
                ? ", MAX(t.name) AS token_name, MAX(o.username) AS owner"
                : ", NULL AS token_name, NULL AS owner";
        String rows = dimension == UsageDimension.TOKEN
                ? " FROM usage_counters c LEFT JOIN tokens t ON t.id = c.usage_key LEFT JOIN users o ON o.id = t.owner_id"
                        + " WHERE c.span = ? AND c.dimension = 'token' AND c.bucket_start >= ?"
                : from(dimension, "usage_counters");
        String sql = "SELECT " + key(dimension) + " AS usage_key, "
                + COLUMNS.stream().map(c -> "SUM(c." + c + ") AS " + c).collect(Collectors.joining(", "))
                + label + rows + " GROUP BY " + key(dimension)
                + " ORDER BY SUM(c." + orderBy + ") DESC, " + key(dimension) + " FETCH FIRST ? ROWS ONLY";
        List<UsageTotals> found = jdbc.list(
                "read top usage by " + dimension.wireName(),
                sql,
                s -> {
                    s.setString(1, span.column());
                    Jdbc.setInstant(s, 2, since);
                    s.setInt(3, limit);
                },
                row -> totals(dimension, row));
        if (found.isEmpty()) {
            return found;
        }
        Map<String, Map<String, Long>> reasons = refusals(dimension, span, since, found);
        List<UsageTotals> withReasons = new ArrayList<>(found.size());
        for (UsageTotals totals : found) {
            withReasons.add(new UsageTotals(
                    totals.key(),
                    totals.label(),
                    totals.tokenId(),
                    totals.counts(),
                    reasons.getOrDefault(totals.key(), Map.of())));
        }
        return withReasons;
    }

    private static UsageTotals totals(UsageDimension dimension, ResultSet row) throws SQLException {
        String key = row.getString("usage_key");
        long[] counts = new long[UsageCount.WIDTH];
        for (int i = 0; i < UsageCount.WIDTH; i++) {
            counts[i] = row.getLong(COLUMNS.get(i));
        }
        String label = null;
        String tokenId = null;
        if (dimension == UsageDimension.TOKEN) {
            tokenId = key;
            String name = row.getString("token_name");
            label = name == null ? "(deleted token)" : name + " (" + row.getString("owner") + ")";
        }
        return new UsageTotals(key, label, tokenId, counts, Map.of());
    }

    private Map<String, Map<String, Long>> refusals(
            UsageDimension dimension, Span span, Instant since, List<UsageTotals> keys) {
        String sql = "SELECT " + key(dimension) + " AS usage_key, c.reason, SUM(c.refusals) AS refusals"
                + from(dimension, "usage_refusals") + " AND " + key(dimension) + " IN ("
                + String.join(", ", keys.stream().map(k -> "?").toList()) + ")"
                + " GROUP BY " + key(dimension) + ", c.reason ORDER BY " + key(dimension) + ", c.reason";
        Map<String, Map<String, Long>> reasons = new HashMap<>();
        jdbc.list(
                        "read refusals by " + dimension.wireName(),
                        sql,
                        s -> {
                            s.setString(1, span.column());
                            Jdbc.setInstant(s, 2, since);
                            for (int i = 0; i < keys.size(); i++) {
                                s.setString(3 + i, keys.get(i).key());
                            }
                        },
                        row -> Map.entry(
                                row.getString("usage_key"),
                                Map.entry(row.getString("reason"), row.getLong("refusals"))))
                .forEach(e -> reasons.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                        .put(e.getValue().getKey(), e.getValue().getValue()));
        return reasons;
    }

    /** Requests per bucket of {@code span} from {@code since} on, of the given keys; buckets without requests are absent. */
    public List<UsagePoint> series(UsageDimension dimension, Span span, Instant since, List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        String sql = "SELECT " + key(dimension) + " AS usage_key, c.bucket_start, SUM(c.requests) AS requests"
                + from(dimension, "usage_counters") + " AND " + key(dimension) + " IN ("
                + String.join(", ", keys.stream().map(k -> "?").toList()) + ")"
                + " GROUP BY " + key(dimension) + ", c.bucket_start ORDER BY c.bucket_start";
        return jdbc.list(
                "read usage series by " + dimension.wireName(),
                sql,
                s -> {
                    s.setString(1, span.column());
                    Jdbc.setInstant(s, 2, since);
                    for (int i = 0; i < keys.size(); i++) {
                        s.setString(3 + i, keys.get(i));
                    }
                },
                row -> new UsagePoint(
                        row.getString("usage_key"), Jdbc.getInstant(row, "bucket_start"), row.getLong("requests")));
    }

    /** Deletes rows of {@code span} whose bucket started before {@code cutoff}; returns how many counter rows. */
    public int expireBefore(Span span, Instant cutoff) {
        Jdbc.Binder binder = s -> {
            s.setString(1, span.column());
            Jdbc.setInstant(s, 2, cutoff);
        };
        jdbc.update("expire usage refusals", "DELETE FROM usage_refusals WHERE span = ? AND bucket_start < ?", binder);
        return jdbc.update(
                "expire usage counters", "DELETE FROM usage_counters WHERE span = ? AND bucket_start < ?", binder);
    }
}
