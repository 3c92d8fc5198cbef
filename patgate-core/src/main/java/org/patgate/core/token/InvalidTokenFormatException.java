package org.patgate.core.token;

import org.patgate.core.PatgateException;

/** A token format setting (such as the installation's prefix) breaks the format rules. */
public class InvalidTokenFormatException extends PatgateException {

    public InvalidTokenFormatException(String message) {
        super(message);
    }
}
