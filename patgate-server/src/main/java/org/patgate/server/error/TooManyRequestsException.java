package org.patgate.server.error;

import java.time.Duration;
import org.patgate.core.PatgateException;

/** The caller is throttled (429); {@link #retryAfter()} says when to try again. */
public class TooManyRequestsException extends PatgateException {

    private final Duration retryAfter;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
