package org.patgate.server.error;

import org.patgate.core.PatgateException;

/** No or wrong credentials (401). The message is safe to show and never says which part was wrong. */
public class UnauthorizedException extends PatgateException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
