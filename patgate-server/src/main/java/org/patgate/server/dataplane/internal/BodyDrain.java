package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpContent;

/**
 * Where the current request's body stands on a {@link ClientConnection}: whether it has ended,
 * whether the client still waits for {@code 100 Continue}, its {@link BodyPace}, and, once the answer
 * is complete without the body having been wanted, the drain that reads and drops the rest (up to
 * {@link #MAX_DISCARDED_BODY}). Bookkeeping only: the connection decides what to read, answer or
 * close. On the connection's event loop only.
 */
final class BodyDrain {

    /** A refused request's body is read and dropped up to this much, so keep-alive survives it. */
    static final long MAX_DISCARDED_BODY = 1 << 20;

    private boolean complete = true;
    private boolean draining;
    private long discarded;
    /** The client said {@code Expect: 100-continue} and has been sent neither a 100 nor a body byte yet. */
    private boolean awaitingContinue;

    private BodyPace pace;

    /** A request begins: its end is still to come (even without a body: the decoder's empty end). */
    void begin(boolean expectsContinue, BodyPace newPace) {
        complete = false;
        draining = false;
        awaitingContinue = expectsContinue;
        pace = newPace;
    }

    /** A piece of {@code bytes} arrived, the body's end when {@code last}. */
    void arrived(int bytes, boolean last) {
        awaitingContinue = false;
        if (pace != null) {
            pace.arrived(bytes);
        }
        if (last) {
            complete = true;
            stopPace();
        }
    }

    /** The rest of the body is read and dropped from now on. */
    void startDraining() {
        draining = true;
        discarded = 0;
    }

    /**
     * Drops a piece read while draining, which ends the drain when it was the body's end: whether more
     * than {@link #MAX_DISCARDED_BODY} has been dropped.
     */
    boolean drop(HttpContent content, boolean last) {
        discarded += content.content().readableBytes();
        content.release();
        if (last) {
            draining = false;
        }
        return discarded > MAX_DISCARDED_BODY;
    }

    void stopDraining() {
        draining = false;
    }

    /** The next piece was asked for: the client's time runs. */
    void waiting() {
        pace.waiting();
    }

    void continueSent() {
        awaitingContinue = false;
    }

    void stopPace() {
        if (pace != null) {
            pace.stop();
        }
    }

    /** The exchange is over and its body ended: no pace until the next request. */
    void forgetPace() {
        pace = null;
    }

    boolean complete() {
        return complete;
    }

    boolean draining() {
        return draining;
    }

    boolean awaitingContinue() {
        return awaitingContinue;
    }
}
