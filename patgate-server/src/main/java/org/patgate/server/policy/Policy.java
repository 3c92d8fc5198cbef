package org.patgate.server.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.token.Scope;
import org.patgate.server.error.InvalidRequestException;

/**
 * The token rules of one group, or the combination that applies to one user. {@code null} limits
 * mean "no limit". Immutable; validated in the constructor.
 *
 * @param maxLifetimeDays    longest lifetime of a new token, days
 * @param expiryRequired     whether a token must have an expiry
 * @param maxActiveTokens    most active (unexpired, not revoked) tokens one user may own
 * @param allowedScopes      scopes a token may have (null = any)
 * @param requiredIpRanges   CIDRs every token's allowed IPs must lie within (null = none required)
 * @param approvalRequired   whether new tokens wait for an administrator's approval
 * @param rateLimitPerMinute requests per minute per token
 * @param rateLimitPerSecond requests per second per token
 * @param rateLimitPerDay    requests per day per token
 * @param rateLimitBurst     requests at once under the per-second rate (null = the per-second rate)
 * @param reminderDays       days before expiry at which the owner is reminded, largest first (null =
 *                           {@link #DEFAULT_REMINDER_DAYS}, empty = no reminders)
 * @param revokeUnusedAfterDays days without use after which a token is revoked, with a notice at
 *                           half that (null = never)
 */
public record Policy(
        Integer maxLifetimeDays,
        boolean expiryRequired,
        Integer maxActiveTokens,
        Set<Scope> allowedScopes,
        List<String> requiredIpRanges,
        boolean approvalRequired,
        Integer rateLimitPerMinute,
        // Rate limits beside rateLimitPerMinute (kept for compatibility); validated as one RateLimit.
        Integer rateLimitPerSecond,
        Integer rateLimitPerDay,
        Integer rateLimitBurst,
        // notifications
        List<Integer> reminderDays,
        Integer revokeUnusedAfterDays) {

    /** Reminders before expiry when no policy sets {@code reminderDays}. */
    public static final List<Integer> DEFAULT_REMINDER_DAYS = List.of(30, 7, 1);

    /** No limits at all. */
    public static final Policy NONE = new Policy(null, false, null, null, null, false, null);

    /**
     * A policy without per-second or per-day limits, with the default reminders and no revocation of
     * unused tokens.
     */
    public Policy(
            Integer maxLifetimeDays,
            boolean expiryRequired,
            Integer maxActiveTokens,
            Set<Scope> allowedScopes,
            List<String> requiredIpRanges,
            boolean approvalRequired,
            Integer rateLimitPerMinute) {
        this(
                maxLifetimeDays,
                expiryRequired,
                maxActiveTokens,
                allowedScopes,
                requiredIpRanges,
                approvalRequired,
                rateLimitPerMinute,
                null,
                null,
                null,
                null,
                null);
    }

    /** The rate limit this policy sets on each token. */
    public RateLimit rateLimit() {
        return new RateLimit(rateLimitPerSecond, rateLimitPerMinute, rateLimitPerDay, rateLimitBurst);
    }

    public Policy {
        check(
                maxLifetimeDays == null || (maxLifetimeDays >= 1 && maxLifetimeDays <= 36_500),
                "maxLifetimeDays",
                "from 1 to 36500, or null for no limit");
        check(
                maxActiveTokens == null || (maxActiveTokens >= 0 && maxActiveTokens <= 100_000),
                "maxActiveTokens",
                "from 0 to 100000, or null for no limit");
        check(
                rateLimitPerMinute == null || (rateLimitPerMinute >= 1 && rateLimitPerMinute <= 10_000_000),
                "rateLimitPerMinute",
                "from 1 to 10000000, or null for no limit");
        new RateLimit(rateLimitPerSecond, rateLimitPerMinute, rateLimitPerDay, rateLimitBurst); // validates
        check(
                allowedScopes == null || !allowedScopes.isEmpty(),
                "allowedScopes",
                "at least one scope, or null for any");
        allowedScopes = allowedScopes == null ? null : Set.copyOf(allowedScopes);
        check(
                reminderDays == null
                        || (reminderDays.size() <= 10
                                && reminderDays.stream().allMatch(d -> d != null && d >= 1 && d <= 3650)),
                "reminderDays",
                "at most 10 numbers of days from 1 to 3650, or null for the default 30, 7, 1");
        reminderDays = reminderDays == null
                ? null
                : reminderDays.stream()
                        .distinct()
                        .sorted(Comparator.reverseOrder())
                        .toList();
        check(
                revokeUnusedAfterDays == null || (revokeUnusedAfterDays >= 2 && revokeUnusedAfterDays <= 36_500),
                "revokeUnusedAfterDays",
                "from 2 to 36500, or null for never");
        if (requiredIpRanges != null) {
            try {
                requiredIpRanges = IpRangeSet.of(requiredIpRanges).toStrings();
            } catch (RuntimeException e) {
                throw new InvalidRequestException(
                        "requiredIpRanges: " + e.getMessage(), Map.of("requiredIpRanges", e.getMessage()));
            }
            check(!requiredIpRanges.isEmpty(), "requiredIpRanges", "at least one range, or null for none");
        }
    }

    private static void check(boolean ok, String field, String rule) {
        if (!ok) {
            throw new InvalidRequestException(field + ": must be " + rule, Map.of(field, "must be " + rule));
        }
    }
}
