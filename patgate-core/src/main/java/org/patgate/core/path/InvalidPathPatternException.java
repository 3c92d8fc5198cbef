package org.patgate.core.path;

import org.patgate.core.PatgateException;

/** A path pattern (from configuration or the management API) that {@link PathPattern#parse} refuses. */
public final class InvalidPathPatternException extends PatgateException {

    public InvalidPathPatternException(String message) {
        super(message);
    }
}
