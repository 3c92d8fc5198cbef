package org.patgate.server.store;

/**
 * An insert or update would have broken a unique key: a user or group name that already
 * exists (compared case-insensitively), a token id or digest that is already taken.
 */
public class DuplicateKeyException extends StoreException {

    public DuplicateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
