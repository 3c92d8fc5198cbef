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
}
