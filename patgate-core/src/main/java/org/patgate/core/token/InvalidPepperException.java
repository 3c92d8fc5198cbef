package org.patgate.core.token;

import org.patgate.core.PatgateException;

/** The token pepper is missing or too short. The message never contains pepper bytes. */
public class InvalidPepperException extends PatgateException {

    public InvalidPepperException(String message) {
        super(message);
    }
}
