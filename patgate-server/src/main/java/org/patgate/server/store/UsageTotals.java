package org.patgate.server.store;

import java.util.Map;

/**
 * The counters of one key summed over a window: {@code counts} laid out as in {@link UsageCount},
 * refusals by reason. {@code label} describes the key for people (a token's name and owner), null when
 * the key says it all; {@code tokenId} is set for the token dimension.
 */
public record UsageTotals(String key, String label, String tokenId, long[] counts, Map<String, Long> refusals) {

    public UsageTotals {
        refusals = Map.copyOf(refusals);
    }

    public long get(int index) {
        return counts[index];
    }

    /**
     * The latency (in microseconds) under which a {@code quantile} of the forwarded requests fell: the
     * upper bound of the bucket where the running count reaches it; -1 without forwarded requests, and
     * {@link Long#MAX_VALUE} when it fell in the open last bucket.
     */
    public long latencyQuantileMicros(double quantile) {
        long total = 0;
        for (int i = 0; i < UsageCount.LATENCY_BUCKETS; i++) {
            total += counts[UsageCount.LATENCY + i];
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < UsageCount.LATENCY_BUCKETS; i++) {
            seen += counts[UsageCount.LATENCY + i];
            if (seen >= Math.max(rank, 1)) {
                return i < UsageCount.LATENCY_BOUNDS_MICROS.length
                        ? UsageCount.LATENCY_BOUNDS_MICROS[i]
                        : Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }
}
