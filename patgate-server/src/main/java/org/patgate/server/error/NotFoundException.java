package org.patgate.server.error;

import org.patgate.core.PatgateException;

/**
 * The resource does not exist <em>or the caller may not see it</em>: other users' tokens answer 404,
 * never 403, so their ids do not leak.
 */
public class NotFoundException extends PatgateException {

    public NotFoundException(String message) {
        super(message);
    }
}
