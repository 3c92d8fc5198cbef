package org.patgate.server.store;

/**
 * One group's token policy as stored ({@code group_policies}); comma-joined lists, null = no limit.
 * The policy capability turns it into a validated {@code Policy}.
 */
public record PolicyRecord(
        String groupKey,
        Integer maxLifetimeDays,
        boolean expiryRequired,
        Integer maxActiveTokens,
        String allowedScopes,
        String requiredIpRanges,
        boolean approvalRequired,
        Integer rateLimitPerMinute,
        Integer rateLimitPerSecond,
        Integer rateLimitPerDay,
        Integer rateLimitBurst,
        // notifications: comma-joined days (null = default, "" = none), days unused before revocation
        String reminderDays,
        Integer revokeUnusedAfterDays) {}
