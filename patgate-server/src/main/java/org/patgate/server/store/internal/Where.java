package org.patgate.server.store.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins optional, fixed SQL conditions with AND and binds their parameters in order. The
 * conditions themselves are constants in the repositories; only which of them apply varies.
 * Not thread-safe; build one per query.
 */
public final class Where {

    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    /** Adds a condition with one value per {@code ?} in it (String, Long, Integer, Boolean or Instant). */
    public Where and(String condition, Object... values) {
        conditions.add(condition);
        parameters.addAll(List.of(values));
        return this;
    }

    /** {@code ""} when there is no condition, else {@code " WHERE c1 AND c2 ..."}. */
    public String sql() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds the parameters starting at {@code index}; returns the next free index. */
    public int bind(PreparedStatement statement, int index) throws SQLException {
        for (Object value : parameters) {
            switch (value) {
                case String s -> statement.setString(index, s);
                case Long l -> statement.setLong(index, l);
                case Integer i -> statement.setInt(index, i);
                case Boolean b -> statement.setBoolean(index, b);
                case Instant instant -> Jdbc.setInstant(statement, index, instant);
                default -> throw new IllegalStateException("unsupported parameter type " + value.getClass());
            }
            index++;
        }
        return index;
    }
}
