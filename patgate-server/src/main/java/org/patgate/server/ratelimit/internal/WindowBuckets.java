package org.patgate.server.ratelimit.internal;

import java.util.List;
import org.patgate.server.ratelimit.AppliedLimit;

/**
 * The greedy token buckets of one limit, one per window, counted together: a request is taken from
 * every window or from none. Each window fills continuously at {@code requests} per {@code seconds} up
 * to its capacity, as Bucket4j's greedy refill does, but on millisecond ticks in exact integer units
 * (one request is {@code seconds × 1000} units, one millisecond adds {@code requests} units), so a
 * request allocates nothing and no fraction is lost. Thread-safe: every operation holds the object's
 * monitor (one token's requests rarely race).
 */
public final class WindowBuckets {

    private final AppliedLimit limit;
    private final long[] unit; // units per request: the window's length in milliseconds
    private final long[] rate; // units added per millisecond: the window's requests
    private final long[] full; // units when full: capacity × unit
    private final long[] fillMillis; // milliseconds from the lowest (a full window owed) to full
    private final long[] rateSeconds; // units added per second
    private final long fullAfterMillis;

    private final long[] available; // guarded by this
    private long lastMillis; // guarded by this: the time the windows were last filled to
    private long takenHere; // guarded by this: requests taken on this node since the last drain
    private volatile long lastUsedMillis;

    /** Full buckets for {@code limit}, as of {@code nowMillis}. */
    public WindowBuckets(AppliedLimit limit, long nowMillis) {
        this.limit = limit;
        List<AppliedLimit.Window> windows = limit.windows();
        int count = windows.size();
        unit = new long[count];
        rate = new long[count];
        full = new long[count];
        available = new long[count];
        fillMillis = new long[count];
        rateSeconds = new long[count];
        long longest = 0;
        for (int i = 0; i < count; i++) {
            AppliedLimit.Window window = windows.get(i);
            unit[i] = window.seconds() * 1000L;
            rate[i] = window.requests();
            full[i] = window.capacity() * unit[i];
            available[i] = full[i];
            fillMillis[i] = ceilDiv(2 * full[i], rate[i]);
            rateSeconds[i] = rate[i] * 1000;
            longest = Math.max(longest, fillMillis[i]);
        }
        fullAfterMillis = longest;
        lastMillis = nowMillis;
        lastUsedMillis = nowMillis;
    }

    /** The limit these buckets count. */
    public AppliedLimit limit() {
        return limit;
    }

    /**
     * Takes one request from every window if each has one, else nothing; then writes what is left.
     *
     * @param counts receives per window the whole requests left, then per window the whole seconds until
     *               it is full again, rounded up
     * @return 0 when taken, else the whole seconds until one more request fits (at least 1)
     */
    public synchronized long consume(long nowMillis, long[] counts) {
        fill(nowMillis);
        long waitMillis = 0;
        for (int i = 0; i < unit.length; i++) {
            if (available[i] < unit[i]) {
                waitMillis = Math.max(waitMillis, ceilDiv(unit[i] - available[i], rate[i]));
            }
        }
        if (waitMillis == 0) {
            for (int i = 0; i < unit.length; i++) {
                available[i] -= unit[i];
            }
            takenHere++;
        }
        describe(counts);
        return waitMillis == 0 ? 0 : Math.max(1, ceilDiv(waitMillis, 1000));
    }

    /** Writes what is left now, taking nothing (see {@link #consume}). */
    public synchronized void peek(long nowMillis, long[] counts) {
        fill(nowMillis);
        describe(counts);
    }

    /**
     * Takes {@code requests} that other nodes let through. Each window may go below empty, by at most
     * one full window: the cluster let through more than the limit, and this node pays it back by
     * refusing until the windows have filled up again.
     */
    public synchronized void takenElsewhere(long requests, long nowMillis) {
        fill(nowMillis);
        for (int i = 0; i < unit.length; i++) {
            long owed = Math.min(requests, full[i] / unit[i] * 2) * unit[i]; // bounded: no overflow
            available[i] = Math.max(-full[i], available[i] - owed);
        }
    }

    /** The requests taken on this node since the last call, and starts counting anew. */
    public synchronized long drainTakenHere() {
        long taken = takenHere;
        takenHere = 0;
        return taken;
    }

    /** Whether the buckets have been idle long enough to be full again: forgetting them then loses nothing. */
    public boolean fullAgainBy(long nowMillis) {
        return nowMillis - lastUsedMillis >= fullAfterMillis;
    }

    /** When these buckets were last used. */
    public long lastUsedMillis() {
        return lastUsedMillis;
    }

    private void fill(long nowMillis) {
        long elapsed = nowMillis - lastMillis;
        if (elapsed > 0) { // a clock set back fills nothing until it passes the last time again
            lastMillis = nowMillis;
            for (int i = 0; i < unit.length; i++) {
                // Below the time to fill from the lowest, elapsed × rate cannot overflow; no division here.
                long filled = elapsed >= fillMillis[i] ? full[i] : available[i] + elapsed * rate[i];
                available[i] = Math.min(full[i], filled);
            }
        }
        lastUsedMillis = nowMillis;
    }

    private void describe(long[] counts) {
        int windows = unit.length;
        for (int i = 0; i < unit.length; i++) {
            counts[i] = Math.max(0, available[i]) / unit[i];
            // ceil(ceil(missing / rate) / 1000) = ceil(missing / (rate × 1000)): one division.
            counts[windows + i] = ceilDiv(full[i] - available[i], rateSeconds[i]);
        }
    }

    private static long ceilDiv(long dividend, long divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
