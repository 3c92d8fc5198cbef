package org.patgate.server.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * One minute of counted requests for one key of a usage dimension, as the activity writer adds it:
 * {@code counts} is laid out as {@link #REQUESTS}, {@link #REFUSED}, {@link #RATE_LIMITED}, the four
 * status classes from {@link #STATUS_2XX}, then {@link #LATENCY_BUCKETS} latency buckets from
 * {@link #LATENCY}; {@code refusals} counts refusals by reason code. Holds its arrays as given: the
 * writer builds one and hands it over.
 */
public record UsageCount(String dimension, String key, Instant minute, long[] counts, Map<String, Long> refusals) {

    public static final int REQUESTS = 0;
    public static final int REFUSED = 1;
    public static final int RATE_LIMITED = 2;
    public static final int STATUS_2XX = 3;
    public static final int LATENCY = 7;
    public static final int LATENCY_BUCKETS = 14;
    /** How many values {@code counts} holds. */
    public static final int WIDTH = LATENCY + LATENCY_BUCKETS;

    /**
     * The upper bound of each latency bucket but the last (which holds everything slower), in
     * microseconds: 1, 2, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10 s.
     */
    public static final long[] LATENCY_BOUNDS_MICROS = {
        1_000,
        2_000,
        5_000,
        10_000,
        25_000,
        50_000,
        100_000,
        250_000,
        500_000,
        1_000_000,
        2_500_000,
        5_000_000,
        10_000_000
    };

    public UsageCount {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(key, "key");
        minute = minute.truncatedTo(ChronoUnit.MINUTES);
        if (counts.length != WIDTH) {
            throw new IllegalArgumentException("counts must hold " + WIDTH + " values, not " + counts.length);
        }
        refusals = Map.copyOf(refusals);
    }

    /** The latency bucket of a request that took {@code micros}. */
    public static int latencyBucket(long micros) {
        for (int i = 0; i < LATENCY_BOUNDS_MICROS.length; i++) {
            if (micros <= LATENCY_BOUNDS_MICROS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MICROS.length;
    }
}
