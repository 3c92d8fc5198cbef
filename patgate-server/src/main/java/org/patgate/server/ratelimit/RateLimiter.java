package org.patgate.server.ratelimit;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.patgate.server.ratelimit.internal.WindowBuckets;

/**
 * Counts requests against {@link AppliedLimit}s in token buckets, one set per bucket name
 * ({@code token:…}, {@code user:…}): a changed limit replaces its buckets with new, full ones. Buckets
 * idle long enough to be full again are forgotten when room is needed (a forgotten bucket is a full
 * one, so that loses nothing); at most {@code maxBuckets} are kept, and beyond that the longest idle
 * go first. Each node counts on its own: in a cluster a token may make up to the limit on every node.
 * Time comes from the given clock, in milliseconds. Thread-safe.
 */
public final class RateLimiter {

    private final Clock clock;
    private final long maxBuckets;
    // Keyed by the bucket's name, whose hash is cached (the limit record would hash its windows anew).
    private final Map<String, WindowBuckets> buckets = new ConcurrentHashMap<>();

    /** @param maxBuckets most bucket sets kept */
    public RateLimiter(Clock clock, long maxBuckets) {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be at least 1");
        }
        this.clock = clock;
        this.maxBuckets = maxBuckets;
    }

    /** Counts one request: allowed, or refused when any window has nothing left. */
    public Usage consume(AppliedLimit limit) {
        long now = clock.millis();
        int windows = limit.windows().size();
        long[] remaining = new long[windows];
        long[] reset = new long[windows];
        long retryAfter = buckets(limit, now).consume(now, remaining, reset);
        return new Usage(limit, retryAfter == 0, remaining, reset, retryAfter);
    }

    /** What is left now, counting nothing. */
    public Usage peek(AppliedLimit limit) {
        long now = clock.millis();
        int windows = limit.windows().size();
        long[] remaining = new long[windows];
        long[] reset = new long[windows];
        buckets(limit, now).peek(now, remaining, reset);
        return new Usage(limit, true, remaining, reset, 0);
    }

    /**
     * The buckets of {@code limit}: looked up by its name, and kept when they were made for this very
     * limit (the same object, as the token cache holds it) or an equal one.
     */
    private WindowBuckets buckets(AppliedLimit limit, long now) {
        WindowBuckets held = buckets.get(limit.bucket());
        if (held != null && (held.limit() == limit || held.limit().equals(limit))) {
            return held;
        }
        if (held == null && buckets.size() >= maxBuckets) {
            makeRoom(now);
        }
        return buckets.compute(
                limit.bucket(),
                (name, old) -> old != null && old.limit().equals(limit) ? old : new WindowBuckets(limit, now));
    }

    /** Forgets the buckets that are full again; if that is not enough, the longest idle too. Rare. */
    private synchronized void makeRoom(long now) {
        if (buckets.size() < maxBuckets) {
            return; // another thread made room meanwhile
        }
        buckets.values().removeIf(held -> held.fullAgainBy(now));
        long excess = buckets.size() - maxBuckets + 1;
        if (excess > 0) {
            List<Map.Entry<String, WindowBuckets>> idlest = buckets.entrySet().stream()
                    .sorted(Comparator.comparingLong(entry -> entry.getValue().lastUsedMillis()))
                    .limit(Math.max(excess, maxBuckets / 10))
                    .toList();
            idlest.forEach(entry -> buckets.remove(entry.getKey(), entry.getValue()));
        }
    }

    /** How many bucket sets are kept now. */
    int size() {
        return buckets.size();
    }
}
