package org.patgate.server.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.patgate.server.error.InvalidRequestException;

/**
 * How many requests a token may make: per second, per minute, per day (any subset; null = no limit of
 * that length), and the burst under the per-second rate. Immutable; validated in the constructor.
 *
 * @param burst how many requests may come at once under the per-second rate (the bucket's size, which
 *              the per-second rate refills); null = the per-second rate. At least the per-second rate.
 */
public record RateLimit(Integer perSecond, Integer perMinute, Integer perDay, Integer burst) {

    /** The largest number any field may hold. */
    public static final int MAX = 10_000_000;

    /** No limit at all. */
    public static final RateLimit NONE = new RateLimit(null, null, null, null);

    public RateLimit {
        check(perSecond, "perSecond");
        check(perMinute, "perMinute");
        check(perDay, "perDay");
        check(burst, "burst");
        if (burst != null && perSecond == null) {
            throw invalid("burst", "needs perSecond: it is the most requests at once under the per-second rate");
        }
        if (burst != null && burst < perSecond) {
            throw invalid("burst", "must be at least perSecond (" + perSecond + ")");
        }
    }

    /** Whether no field is set. */
    public boolean isNone() {
        return perSecond == null && perMinute == null && perDay == null;
    }

    /** The bucket size of the per-second rate: the burst, or the rate itself. */
    public Integer burstOrRate() {
        return burst != null ? burst : perSecond;
    }

    /**
     * What this limit allows beyond {@code ceiling}, in words, or null when it stays within: every
     * length {@code ceiling} limits must be limited here too, no higher.
     */
    public String exceeding(RateLimit ceiling) {
        List<String> over = new ArrayList<>();
        over(over, perSecond, ceiling.perSecond, "per second");
        over(over, burstOrRate(), ceiling.burstOrRate(), "at once (burst)");
        over(over, perMinute, ceiling.perMinute, "per minute");
        over(over, perDay, ceiling.perDay, "per day");
        return over.isEmpty() ? null : String.join(", ", over);
    }

    private static void over(List<String> over, Integer mine, Integer ceiling, String what) {
        if (ceiling != null && (mine == null || mine > ceiling)) {
            over.add((mine == null ? "unlimited" : mine) + " requests " + what + " (at most " + ceiling + ")");
        }
    }

    /** The limit in words: {@code 10 requests per second (burst 20), 100 requests per minute}. */
    @Override
    public String toString() {
        if (isNone()) {
            return "no limit";
        }
        List<String> parts = new ArrayList<>();
        if (perSecond != null) {
            parts.add(perSecond + " requests per second" + (burst != null ? " (burst " + burst + ")" : ""));
        }
        if (perMinute != null) {
            parts.add(perMinute + " requests per minute");
        }
        if (perDay != null) {
            parts.add(perDay + " requests per day");
        }
        return String.join(", ", parts);
    }

    private static void check(Integer value, String field) {
        if (value != null && (value < 1 || value > MAX)) {
            throw invalid(field, "must be from 1 to " + MAX + ", or absent for no limit");
        }
    }

    private static InvalidRequestException invalid(String field, String rule) {
        return new InvalidRequestException("rate limit " + field + ": " + rule, Map.of(field, rule));
    }
}
