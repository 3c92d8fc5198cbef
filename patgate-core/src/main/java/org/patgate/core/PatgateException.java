package org.patgate.core;

/**
 * The one unchecked exception root of PATgate. Subclasses are named by the failure
 * ({@code TokenNotFoundException}, {@code ConfigException}, ...). Messages carry state that
 * helps an operator, never a secret (token, password, pepper).
 */
public class PatgateException extends RuntimeException {

    public PatgateException(String message) {
        super(message);
    }

    public PatgateException(String message, Throwable cause) {
        super(message, cause);
    }
}
