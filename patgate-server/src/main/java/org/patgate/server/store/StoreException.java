package org.patgate.server.store;

import org.patgate.core.PatgateException;

/**
 * A storage operation failed: the database could not be reached, refused a statement or
 * broke a constraint. The message names the operation and the SQL state, never a value that
 * could be a secret (passwords, password hashes, token digests).
 */
public class StoreException extends PatgateException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the database could not be reached (no connection from the pool in time, a connection
     * refused or broken, the server shutting down), as opposed to refusing a statement: the same
     * operation may succeed once it answers again.
     */
    public boolean databaseUnreachable() {
        return unreachable(getCause(), 0);
    }

    /** Follows causes, a batch's next exceptions and suppressed ones (a failed rollback), a few levels deep. */
    private static boolean unreachable(Throwable e, int depth) {
        if (e == null || depth > 8) {
            return false;
        }
        if (e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLNonTransientConnectionException) {
            return true;
        }
        if (e instanceof java.sql.SQLException sql) {
            String state = sql.getSQLState();
            // SQL state class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
            if (state != null && (state.startsWith("08") || state.startsWith("57P0"))) {
                return true;
            }
            if (unreachable(sql.getNextException(), depth + 1)) {
                return true;
            }
        }
        for (Throwable suppressed : e.getSuppressed()) {
            if (unreachable(suppressed, depth + 1)) {
                return true;
            }
        }
        return unreachable(e.getCause(), depth + 1);
    }
}
