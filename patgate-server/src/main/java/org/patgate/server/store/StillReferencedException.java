package org.patgate.server.store;

/**
 * A row cannot be deleted because other rows still name it: a user who created, revoked or decided
 * on other users' tokens (deleting them would erase who did that).
 */
public class StillReferencedException extends StoreException {

    public StillReferencedException(String message) {
        super(message);
    }
}
