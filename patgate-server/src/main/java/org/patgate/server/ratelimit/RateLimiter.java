package org.patgate.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.patgate.server.ratelimit.internal.ClockTimeMeter;

/**
 * Counts requests against {@link AppliedLimit}s in local token buckets (Bucket4j), one per bucket name
 * ({@code token:…}, {@code user:…}): a changed limit replaces the bucket with a new, full one. Buckets live in a bounded cache and are
 * forgotten a day after their last use (the longest window), so a forgotten bucket is a full one.
 * Each node counts on its own: in a cluster a token may make up to the limit on every node. Time
 * comes from the given clock. Thread-safe; each bucket is synchronized.
 */
public final class RateLimiter {

    private final ClockTimeMeter time;
    // Keyed by the bucket's name: its hash is cached, where the limit record would hash its windows anew.
    private final Cache<String, Held> buckets;

    /** A bucket and the limit it was made for: a changed limit replaces it with a new, full one. */
    private record Held(AppliedLimit limit, Bucket bucket) {}

    /** @param maxBuckets most buckets kept; the least recently used go first */
    public RateLimiter(Clock clock, long maxBuckets) {
        this.time = new ClockTimeMeter(clock);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .expireAfterAccess(Duration.ofDays(1).plusMinutes(1))
                .build();
    }

    /** Counts one request: allowed, or refused when any window has nothing left. */
    public Usage consume(AppliedLimit limit) {
        Bucket bucket = bucket(limit);
        if (limit.windows().size() == 1) {
            // One window (the usual case): the probe's remaining count is that window's, no diagnostics needed.
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
            return usage(limit, probe.isConsumed(), new long[] {probe.getRemainingTokens()}, retryAfter);
        }
        VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(1);
        ConsumptionProbe probe = result.getValue();
        long[] remaining = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
        long retryAfter = probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return usage(limit, probe.isConsumed(), remaining, retryAfter);
    }

    /** What is left now, counting nothing. */
    public Usage peek(AppliedLimit limit) {
        VerboseResult<Long> result = bucket(limit).asVerbose().getAvailableTokens();
        return usage(limit, true, result.getDiagnostics().getAvailableTokensPerEachBandwidth(), 0);
    }

    private static Usage usage(AppliedLimit limit, boolean allowed, long[] available, long retryAfter) {
        List<AppliedLimit.Window> windows = limit.windows();
        long[] remaining = new long[windows.size()];
        long[] reset = new long[windows.size()];
        for (int i = 0; i < remaining.length; i++) {
            AppliedLimit.Window window = windows.get(i);
            remaining[i] = Math.max(0, available[i]);
            // Greedy refill: the window is full again after (missing × length / requests).
            long missing = window.capacity() - remaining[i];
            reset[i] = ceilSeconds(missing * window.seconds() * 1_000_000_000L / window.requests());
        }
        return new Usage(limit, allowed, remaining, reset, retryAfter);
    }

    /**
     * The bucket of {@code limit}: looked up by its name (a string whose hash is cached), and kept when
     * it was made for this very limit (the same object, as the token cache holds it) or an equal one.
     */
    private Bucket bucket(AppliedLimit limit) {
        Held held = buckets.getIfPresent(limit.bucket());
        if (held != null && (held.limit() == limit || held.limit().equals(limit))) {
            return held.bucket();
        }
        return buckets.asMap()
                .compute(
                        limit.bucket(),
                        (name, old) ->
                                old != null && old.limit().equals(limit) ? old : new Held(limit, newBucket(limit)))
                .bucket();
    }

    private Bucket newBucket(AppliedLimit limit) {
        // Synchronized: one token's requests rarely race, and lock-free would copy the state per request.
        LocalBucketBuilder builder = Bucket.builder()
                .withCustomTimePrecision(time)
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED);
        for (AppliedLimit.Window window : limit.windows()) {
            builder.addLimit(Bandwidth.builder()
                    .capacity(window.capacity())
                    .refillGreedy(window.requests(), Duration.ofSeconds(window.seconds()))
                    .id(window.name())
                    .build());
        }
        return builder.build();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
