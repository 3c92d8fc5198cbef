package org.patgate.server.ratelimit;

import java.util.List;

/**
 * A token's standing against its limit after one request: whether it was let through, what is left in
 * each window, and when to try again. Renders the {@code RateLimit-Policy} and {@code RateLimit} fields
 * of draft-ietf-httpapi-ratelimit-headers (structured-field lists: one item per window, named by a
 * string, {@code q} quota and {@code w} window seconds; {@code r} remaining and {@code t} seconds until
 * the window is full again). Immutable.
 *
 * @param counts            per window of {@code limit}, in its order, the requests left; then per window the
 *                          whole seconds until it is full again, rounded up (one array: one allocation less
 *                          per request; not to be changed)
 * @param retryAfterSeconds when refused, whole seconds until one more request fits (rounded up, at least 1)
 */
public record Usage(AppliedLimit limit, boolean allowed, long[] counts, long retryAfterSeconds) {

    public static final String POLICY_FIELD = "RateLimit-Policy";
    public static final String LIMIT_FIELD = "RateLimit";

    /** Requests left in each window, in the limit's order. */
    public long[] remaining() {
        return java.util.Arrays.copyOf(counts, counts.length / 2);
    }

    /** Requests left in window {@code i}. */
    public long remaining(int i) {
        return counts[i];
    }

    /** Whole seconds until window {@code i} is full again, rounded up. */
    public long resetSeconds(int i) {
        return counts[counts.length / 2 + i];
    }

    /** The {@code RateLimit-Policy} value: {@code "per-minute";q=100;w=60, ...}. */
    public String policyField() {
        return limit.policyField();
    }

    /**
     * The {@code RateLimit} value: {@code "per-minute";r=42;t=35, ...}. A limit has at most three windows
     * (second, minute, day); each count is written by one concatenation, which sizes its result exactly.
     */
    public String limitField() {
        List<AppliedLimit.Window> windows = limit.windows();
        return switch (windows.size()) {
            case 1 -> '"' + windows.get(0).name() + "\";r=" + counts[0] + ";t=" + counts[1];
            case 2 ->
                '"' + windows.get(0).name() + "\";r=" + counts[0] + ";t=" + counts[2] + ", \""
                        + windows.get(1).name() + "\";r=" + counts[1] + ";t=" + counts[3];
            default -> {
                StringBuilder value = new StringBuilder(32 * windows.size());
                for (int i = 0; i < windows.size(); i++) {
                    value.append(i == 0 ? "\"" : ", \"")
                            .append(windows.get(i).name())
                            .append("\";r=")
                            .append(remaining(i))
                            .append(";t=")
                            .append(resetSeconds(i));
                }
                yield value.toString();
            }
        };
    }

    /** The first window with nothing left (the one that refused), or the first window. */
    public AppliedLimit.Window exhausted() {
        for (int i = 0; i < limit.windows().size(); i++) {
            if (remaining(i) == 0) {
                return limit.windows().get(i);
            }
        }
        return limit.windows().getFirst();
    }

    /** Each window with what is left: {@code 100 requests per minute, set by group 'ci': 42 left now}. */
    public String describedWithRemaining() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < limit.windows().size(); i++) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(limit.windows().get(i).described())
                    .append(": ")
                    .append(remaining(i))
                    .append(" left now");
        }
        return text.toString();
    }

    /** Why a refused request was refused: {@code rate limit exceeded: 100 requests per minute, set by group 'ci'}. */
    public String refusalDetail() {
        return "rate limit exceeded: " + exhausted().described() + "; retry after " + retryAfterSeconds
                + (retryAfterSeconds == 1 ? " second" : " seconds");
    }
}
