package org.patgate.server.upstream;

import org.patgate.core.PatgateException;

/** The upstream product does not accept a native credential (unknown, expired, revoked, wrong password). */
public class NativeTokenRejectedException extends PatgateException {

    public NativeTokenRejectedException(String message) {
        super(message);
    }
}
