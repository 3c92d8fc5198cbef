package org.patgate.server.store;

/**
 * A rate limit as stored ({@code rate_limits}, or the {@code rate_limit_*} columns of a group policy);
 * null = no limit of that length. The rate-limit capability turns it into a validated limit.
 */
public record RateLimitRecord(Integer perSecond, Integer perMinute, Integer perDay, Integer burst) {}
