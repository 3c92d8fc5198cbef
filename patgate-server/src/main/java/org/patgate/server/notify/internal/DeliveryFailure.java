package org.patgate.server.notify.internal;

/** One attempt to deliver a notice failed; the message says why, without secrets. Retried later. */
public final class DeliveryFailure extends Exception {

    public DeliveryFailure(String message) {
        super(message, null, false, false);
    }
}
