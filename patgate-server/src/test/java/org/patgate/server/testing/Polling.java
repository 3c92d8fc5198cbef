package org.patgate.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waits for what another thread, node or process makes true: never sleep-and-hope. */
public final class Polling {

    private Polling() {}

    /** Asks {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code bound}. */
    public static void waitUntil(Duration bound, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + bound);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
