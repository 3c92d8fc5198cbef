package org.patgate.server.error;

import org.patgate.core.PatgateException;

/** The action contradicts the current state: a duplicate name, rotating a revoked token (409). */
public class ConflictException extends PatgateException {

    public ConflictException(String message) {
        super(message);
    }
}
