package org.patgate.server.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.patgate.server.store.DuplicateKeyException;
import org.patgate.server.store.StoreException;

/**
 * Small plain-JDBC helper shared by the repositories: runs a statement on a pooled connection,
 * maps rows, and turns {@link SQLException} into {@link StoreException}. Inside
 * {@link #inTransaction} every statement the same thread runs through this helper uses that
 * transaction's connection, so several repository calls commit or roll back together. Thread-safe
 * (holds the data source and the calling thread's open transaction). Not for use outside the store
 * package.
 */
public final class Jdbc {

    /** SQL:2003 class 23 "integrity constraint violation", subclass 505 "unique violation"; H2 and PostgreSQL both use it. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    /** The connection of the transaction the current thread has open, if any. */
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    public Jdbc(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public static final Binder NO_PARAMETERS = statement -> {};

    /**
     * Runs {@code work} on the current thread's transaction connection when one is open, else on
     * one pooled connection in auto-commit mode.
     */
    public <T> T withConnection(String operation, Work<T> work) {
        Connection open = transaction.get();
        if (open != null) {
            try {
                return work.run(open);
            } catch (SQLException e) {
                throw translate(operation, e);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    /**
     * Runs {@code work} in one transaction: commits if it returns, rolls back if it throws. Called
     * inside a transaction already open on this thread, {@code work} joins it (the outermost call
     * commits or rolls back).
     */
    public <T> T inTransaction(String operation, Work<T> work) {
        if (transaction.get() != null) {
            return withConnection(operation, work);
        }
        return withConnection(operation, connection -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            transaction.set(connection);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                transaction.remove();
                connection.setAutoCommit(autoCommit);
            }
        });
    }

    public <T> List<T> list(String operation, String sql, Binder binder, RowMapper<T> mapper) {
        return withConnection(operation, connection -> list(connection, sql, binder, mapper));
    }

    public <T> Optional<T> one(String operation, String sql, Binder binder, RowMapper<T> mapper) {
        return withConnection(operation, connection -> one(connection, sql, binder, mapper));
    }

    public int update(String operation, String sql, Binder binder) {
        return withConnection(operation, connection -> update(connection, sql, binder));
    }

    public long count(String operation, String sql, Binder binder) {
        return one(operation, sql, binder, row -> row.getLong(1)).orElse(0L);
    }

    public static <T> List<T> list(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        }
    }

    public static <T> Optional<T> one(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
            }
        }
    }

    public static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /** Executes an insert into a table with an identity column {@code id} and returns the generated id. */
    public static long insertReturningId(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, new String[] {"id"})) {
            binder.bind(statement);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("insert returned no generated id");
                }
                return keys.getLong(1);
            }
        }
    }

    /**
     * Wraps a driver exception. The driver's message is deliberately not copied into ours: it
     * can quote row values (password hashes, digests); it stays reachable as the cause.
     */
    public static StoreException translate(String operation, SQLException e) {
        String state = e.getSQLState();
        if (UNIQUE_VIOLATION.equals(state)) {
            return new DuplicateKeyException("could not " + operation + ": duplicate key", e);
        }
        return new StoreException(
                "could not " + operation + " (SQL state " + state + ", error code " + e.getErrorCode() + ")", e);
    }

    /** Instants are stored as UTC, truncated to microseconds, the finest precision both databases keep. */
    public static Instant truncate(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, truncate(instant).atOffset(ZoneOffset.UTC));
        }
    }

    public static Instant getInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    /**
     * A LIKE pattern matching values that contain {@code text}, lower-cased, with the LIKE
     * wildcards escaped; use with {@code LIKE ? ESCAPE '\'}.
     */
    public static String containsPattern(String text) {
        StringBuilder pattern = new StringBuilder(text.length() + 2).append('%');
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '%' || c == '_' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    /** Cuts {@code value} to at most {@code maxLength} chars without splitting a surrogate pair. */
    public static String truncate(String value, int maxLength) {
        if (value == null || value.length() <= maxLength) {
            return value;
        }
        int end = maxLength;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end);
    }
}
