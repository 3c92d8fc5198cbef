package org.patgate.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/** Rate limits set on one user or one token ({@code rate_limits}). Thread-safe. */
public final class RateLimitRepository {

    /** Whose limit: a user's (shared by all their tokens) or one token's. */
    public enum Subject {
        USER("user"),
        TOKEN("token");

        private final String stored;

        Subject(String stored) {
            this.stored = stored;
        }
    }

    private static final String FIND = """
            SELECT per_second, per_minute, per_day, burst FROM rate_limits WHERE subject_kind = ? AND subject_id = ?""";
    private static final String DELETE = "DELETE FROM rate_limits WHERE subject_kind = ? AND subject_id = ?";
    private static final String INSERT = """
            INSERT INTO rate_limits (subject_kind, subject_id, per_second, per_minute, per_day, burst)
            VALUES (?, ?, ?, ?, ?, ?)""";

    private final Jdbc jdbc;

    RateLimitRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RateLimitRecord> find(Subject subject, String id) {
        return jdbc.one(
                "read the rate limit of a " + subject.stored,
                FIND,
                s -> {
                    s.setString(1, subject.stored);
                    s.setString(2, id);
                },
                RateLimitRepository::map);
    }

    /** Sets the limit, replacing any previous one; null removes it. */
    public void put(Subject subject, String id, RateLimitRecord limit) {
        jdbc.inTransaction("set the rate limit of a " + subject.stored, connection -> {
            Jdbc.update(connection, DELETE, s -> {
                s.setString(1, subject.stored);
                s.setString(2, id);
            });
            if (limit != null) {
                Jdbc.update(connection, INSERT, s -> {
                    s.setString(1, subject.stored);
                    s.setString(2, id);
                    setInteger(s, 3, limit.perSecond());
                    setInteger(s, 4, limit.perMinute());
                    setInteger(s, 5, limit.perDay());
                    setInteger(s, 6, limit.burst());
                });
            }
            return null;
        });
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static Integer getInteger(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private static RateLimitRecord map(ResultSet row) throws SQLException {
        return new RateLimitRecord(
                getInteger(row, "per_second"),
                getInteger(row, "per_minute"),
                getInteger(row, "per_day"),
                getInteger(row, "burst"));
    }
}
