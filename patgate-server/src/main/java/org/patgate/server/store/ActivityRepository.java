package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.server.store.internal.Jdbc;

/**
 * Token activity: the most recent requests of each token. Written in batches (never on the request
 * path) and trimmed per token so the table stays bounded. Thread-safe.
 */
public final class ActivityRepository {

    private static final String INSERT = """
            INSERT INTO token_requests (token_id, occurred_at, method, path, status, latency_micros, client_ip, user_agent)
            SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM tokens WHERE id = ?""";
    private static final String NTH_NEWEST = """
            SELECT occurred_at, id FROM token_requests WHERE token_id = ?
            ORDER BY occurred_at DESC, id DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY""";
    private static final String TRIM = """
            DELETE FROM token_requests WHERE token_id = ? AND (occurred_at < ? OR (occurred_at = ? AND id <= ?))""";
    private static final String RECENT = """
            SELECT token_id, occurred_at, method, path, status, latency_micros, client_ip, user_agent
            FROM token_requests WHERE token_id = ? ORDER BY occurred_at DESC, id DESC FETCH FIRST ? ROWS ONLY""";

    private final Jdbc jdbc;

    ActivityRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Appends requests in one transaction (requests of tokens deleted meanwhile are skipped), then
     * keeps only the newest {@code keepPerToken} of each token touched.
     */
    public void append(List<TokenRequestRecord> requests, int keepPerToken) {
        Objects.requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            return;
        }
        Set<String> touched = new TreeSet<>();
        jdbc.inTransaction("record " + requests.size() + " token requests", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (TokenRequestRecord request : requests) {
                    insert.setString(1, request.tokenId());
                    Jdbc.setInstant(insert, 2, request.at());
                    insert.setString(3, Jdbc.truncate(request.method(), 16));
                    insert.setString(4, Jdbc.truncate(request.path(), 2048));
                    insert.setInt(5, request.status());
                    insert.setLong(6, request.latencyMicros());
                    insert.setString(7, Jdbc.truncate(request.clientIp(), 45));
                    insert.setString(8, Jdbc.truncate(request.userAgent(), 255));
                    insert.setString(9, request.tokenId());
                    insert.addBatch();
                    touched.add(request.tokenId());
                }
                insert.executeBatch();
            }
            for (String tokenId : touched) {
                var boundary = Jdbc.one(
                                connection,
                                NTH_NEWEST,
                                s -> {
                                    s.setString(1, tokenId);
                                    s.setInt(2, keepPerToken);
                                },
                                row -> Map.entry(Jdbc.getInstant(row, "occurred_at"), row.getLong("id")))
                        .orElse(null);
                if (boundary != null) {
                    Jdbc.update(connection, TRIM, s -> {
                        s.setString(1, tokenId);
                        Jdbc.setInstant(s, 2, boundary.getKey());
                        Jdbc.setInstant(s, 3, boundary.getKey());
                        s.setLong(4, boundary.getValue());
                    });
                }
            }
            return null;
        });
    }

    /** The newest requests of a token, newest first (by time, then by arrival). */
    public List<TokenRequestRecord> recent(String tokenId, int limit) {
        return jdbc.list(
                "read activity of token " + tokenId,
                RECENT,
                s -> {
                    s.setString(1, tokenId);
                    s.setInt(2, limit);
                },
                row -> new TokenRequestRecord(
                        row.getString("token_id"),
                        Jdbc.getInstant(row, "occurred_at"),
                        row.getString("method"),
                        row.getString("path"),
                        row.getInt("status"),
                        row.getLong("latency_micros"),
                        row.getString("client_ip"),
                        row.getString("user_agent")));
    }
}
