package org.patgate.server.directory;

import java.time.Duration;
import org.patgate.core.PatgateException;

/**
 * Every slot for password checks is taken (503 with {@code Retry-After}): the login was not
 * checked, so it counts as no attempt. See {@link PasswordCheckLimit}.
 */
public class PasswordChecksBusyException extends PatgateException {

    private final Duration retryAfter;

    public PasswordChecksBusyException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
