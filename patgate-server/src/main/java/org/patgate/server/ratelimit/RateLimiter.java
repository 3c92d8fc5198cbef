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
import java.util.function.Function;
import org.patgate.server.ratelimit.internal.ClockTimeMeter;

/**
 * Counts requests against {@link AppliedLimit}s in local token buckets (Bucket4j), one per bucket name
 * and limit: a changed limit starts a new, full bucket. Buckets live in a bounded cache and are
 * forgotten a day after their last use (the longest window), so a forgotten bucket is a full one.
 * Each node counts on its own: in a cluster a token may make up to the limit on every node. Time
 * comes from the given clock. Thread-safe and lock-free per bucket.
 */
public final class RateLimiter {

    private final ClockTimeMeter time;
    // Keyed by the limit itself (bucket name and windows): no key object per request, and a changed
    // limit is another key.
    private final Cache<AppliedLimit, Bucket> buckets;
    // Held once: a method reference written at the call would be a new object per request.
    private final Function<AppliedLimit, Bucket> creator = this::newBucket;

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
        VerboseResult<ConsumptionProbe> result = bucket(limit).asVerbose().tryConsumeAndReturnRemaining(1);
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

    private Bucket bucket(AppliedLimit limit) {
        return buckets.get(limit, creator);
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
