package org.patgate.server.ratelimit;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.patgate.server.ratelimit.internal.WindowBuckets;

/**
 * Counts requests against {@link AppliedLimit}s in token buckets, one set per bucket name
 * ({@code token:…}, {@code user:…}): a changed limit replaces its buckets with new, full ones. Buckets
 * idle long enough to be full again are forgotten when room is needed (a forgotten bucket is a full
 * one, so that loses nothing); at most {@code maxBuckets} are kept, and beyond that the longest idle
 * go first. Each node counts on its own; {@link SharedLimits} tells it what the other nodes let through
 * ({@link #drainTakenHere}, {@link #takenElsewhere}), so a cluster holds a limit within a sync interval.
 * Time comes from the given clock, in milliseconds. Thread-safe.
 */
public final class RateLimiter {

    private final Clock clock;
    private final long maxBuckets;
    // Keyed by the bucket's name, whose hash is cached (the limit record would hash its windows anew).
    private final Map<String, WindowBuckets> buckets = new ConcurrentHashMap<>();
    // Requests other nodes let through in buckets this node does not hold (yet); bounded like the buckets.
    private final Map<String, Owed> owed = new ConcurrentHashMap<>();

    private record Owed(long requests, long since) {}

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
        long[] counts = new long[2 * limit.windows().size()];
        long retryAfter = buckets(limit, now).consume(now, counts);
        return new Usage(limit, retryAfter == 0, counts, retryAfter);
    }

    /** What is left now, counting nothing. */
    public Usage peek(AppliedLimit limit) {
        long now = clock.millis();
        long[] counts = new long[2 * limit.windows().size()];
        buckets(limit, now).peek(now, counts);
        return new Usage(limit, true, counts, 0);
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
                limit.bucket(), (name, old) -> old != null && old.limit().equals(limit) ? old : newBuckets(limit, now));
    }

    /** New, full buckets, less what other nodes let through before this node needed them. */
    private WindowBuckets newBuckets(AppliedLimit limit, long now) {
        WindowBuckets made = new WindowBuckets(limit, now);
        Owed debt = owed.remove(limit.bucket());
        if (debt != null) {
            made.takenElsewhere(debt.requests, now);
        }
        return made;
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

    /** Per bucket name, the requests this node let through since the last call (only names with some). */
    public Map<String, Long> drainTakenHere() {
        Map<String, Long> taken = new HashMap<>();
        buckets.forEach((name, held) -> {
            long requests = held.drainTakenHere();
            if (requests > 0) {
                taken.put(name, requests);
            }
        });
        return taken;
    }

    /**
     * Counts {@code requests} that other nodes let through in bucket {@code name}. A bucket this node
     * does not hold yet starts with them taken when it is made (they are kept until then, at most a
     * day, as long as a day window needs).
     */
    public void takenElsewhere(String name, long requests) {
        long now = clock.millis();
        WindowBuckets held = buckets.get(name);
        if (held != null) {
            held.takenElsewhere(requests, now);
        } else if (owed.size() < maxBuckets || owed.containsKey(name)) {
            owed.merge(name, new Owed(requests, now), (old, added) -> new Owed(old.requests + requests, now));
        }
    }

    /** Forgets what is owed to buckets not made within a day: every window is full again by then. */
    public void forgetOwedBefore(long millis) {
        owed.values().removeIf(debt -> debt.since < millis);
    }

    /** How many bucket sets are kept now. */
    int size() {
        return buckets.size();
    }
}
