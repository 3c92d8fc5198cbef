package org.patgate.server.upstream;

import org.patgate.core.PatgateException;

/** The upstream product could not be asked, or answered in a way it never should (answered as 502). */
public class UpstreamUnavailableException extends PatgateException {

    public UpstreamUnavailableException(String message) {
        super(message);
    }

    public UpstreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
