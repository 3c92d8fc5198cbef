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
 *
 * <p>An attempt is counted when it <em>starts</em> ({@link #tryStart}), not when its password check
 * ends, so 500 parallel attempts from one address cannot all run before the first failure is
 * recorded: only {@code maxFailures} of them start. An attempt that turns out not to be a failure
 * (right password, directory unreachable, no slot to check it) is given back with {@link #refund}.
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

    /**
     * Counts an attempt that starts now; false (and nothing counted) when the source has used up its
     * attempts for this window.
     */
    public boolean tryStart(String sourceIp) {
        AtomicInteger count = failures.asMap().computeIfAbsent(sourceIp, ip -> new AtomicInteger());
        while (true) {
            int seen = count.get();
            if (seen >= maxFailures) {
                return false;
            }
            if (count.compareAndSet(seen, seen + 1)) {
                return true;
            }
        }
    }

    /** Gives back an attempt counted by {@link #tryStart} that did not fail. */
    public void refund(String sourceIp) {
        AtomicInteger count = failures.getIfPresent(sourceIp);
        if (count != null) {
            count.updateAndGet(value -> Math.max(0, value - 1));
        }
    }

    public void recordFailure(String sourceIp) {
        failures.asMap().computeIfAbsent(sourceIp, ip -> new AtomicInteger()).incrementAndGet();
    }

    public Duration window() {
        return window;
    }
}
