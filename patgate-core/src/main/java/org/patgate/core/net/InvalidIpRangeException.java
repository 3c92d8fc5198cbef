package org.patgate.core.net;

import org.patgate.core.PatgateException;

/** A CIDR range or IP literal was refused; the message names the value and what is wrong with it. */
public class InvalidIpRangeException extends PatgateException {

    public InvalidIpRangeException(String message) {
        super(message);
    }
}
