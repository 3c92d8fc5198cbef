package org.patgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A PostgreSQL session-level advisory lock held on a connection of its own, outside the pool: the
 * lock lives exactly as long as that connection. {@link #close()} closes the connection, which
 * releases the lock; so does the database when the connection breaks or the process holding it
 * dies, and no lock can outlive its holder or leak back into the pool. Not thread-safe: one holder
 * uses it and closes it.
 */
public final class AdvisoryLock implements AutoCloseable {

    // The two-int form keeps PATgate's locks in a namespace of their own (classid), apart from other
    // applications' one-bigint locks on the same database.
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?, ?)";

    private final Connection connection;
    private final int namespace;
    private final int key;

    private AdvisoryLock(Connection connection, int namespace, int key) {
        this.connection = connection;
        this.namespace = namespace;
        this.key = key;
    }

    /**
     * Takes the lock ({@code namespace}, {@code key}) on {@code connection} without waiting: the held
     * lock, or empty (and the connection closed) when another session holds it. The connection is
     * the lock's from then on; it is closed on every path that does not hand back the lock.
     */
    static Optional<AdvisoryLock> tryTake(Connection connection, int namespace, int key) {
        boolean taken = false;
        try (PreparedStatement statement = connection.prepareStatement(TRY_LOCK)) {
            statement.setInt(1, namespace);
            statement.setInt(2, key);
            try (ResultSet result = statement.executeQuery()) {
                taken = result.next() && result.getBoolean(1);
            }
            return taken ? Optional.of(new AdvisoryLock(connection, namespace, key)) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot try advisory lock (" + namespace + ", " + key + "), SQL state " + e.getSQLState(), e);
        } finally {
            if (!taken) {
                closeQuietly(connection);
            }
        }
    }

    /** The lock's namespace (PostgreSQL's {@code classid} in {@code pg_locks}). */
    public int namespace() {
        return namespace;
    }

    /** The lock's key within its namespace (PostgreSQL's {@code objid} in {@code pg_locks}). */
    public int key() {
        return key;
    }

    /** Releases the lock by closing its connection; idempotent. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // A connection that cannot even close is broken: the server ends its session, and the lock with it.
        }
    }
}
