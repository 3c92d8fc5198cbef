package org.patgate.server.error;

import org.patgate.core.PatgateException;

/** The caller is known but lacks the permission for this action (403). */
public class ForbiddenException extends PatgateException {

    public ForbiddenException(String message) {
        super(message);
    }
}
