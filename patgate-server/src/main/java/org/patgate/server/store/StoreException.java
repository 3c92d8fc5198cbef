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
        for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException
                    || cause instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            // SQL state class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0")) {
                    return true;
                }
            }
        }
        return false;
    }
}
