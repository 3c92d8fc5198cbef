package org.patgate.server.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins from one source IP within
 * the window, that IP is refused until the window (counted from its first failure) has passed.
 * Keyed by IP, not by username, so an attacker cannot lock the real user out from elsewhere.
 * A successful login does not reset the counter (a guesser could interleave their own account).
 * Thread-safe; memory bounded.
 */
public final class LoginThrottle {

    private final int maxFailures;
    private final Duration window;
    private final Cache<String, AtomicInteger> failures;

    public LoginThrottle(int maxFailures, Duration window) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
    }

    /** Whether this source may try a password now. */
    public boolean allows(String sourceIp) {
        AtomicInteger count = failures.getIfPresent(sourceIp);
        return count == null || count.get() < maxFailures;
    }

    public void recordFailure(String sourceIp) {
        failures.asMap().computeIfAbsent(sourceIp, ip -> new AtomicInteger()).incrementAndGet();
    }

    public Duration window() {
        return window;
    }
}
