package org.patgate.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins from one source IP within
 * the window, that IP is refused until the window (counted from its first attempt) has passed.
 * Keyed by IP, not by username, so an attacker cannot lock the real user out from elsewhere.
 * A successful login does not reset the counter (a guesser could interleave their own account).
 *
 * <p>An attempt is counted when it <em>starts</em> ({@link #tryStart}), not when its password check
 * ends: failures plus attempts still running never exceed {@code maxFailures}, so 500 parallel
 * attempts from one address cannot all run before the first failure is recorded. Attempts refused
 * only because others are still running are {@link Start#BUSY} (try again in a moment), those
 * refused for failures {@link Start#THROTTLED}. {@link #finish} ends an attempt as failed or not.
 * Thread-safe; memory bounded.
 */
public final class LoginThrottle {

    /** The answer to {@link #tryStart}. */
    public enum Start {
        /** Counted as running; end it with {@link #finish}. */
        STARTED,
        /** Too many failures in this window. */
        THROTTLED,
        /** Failures and running attempts together reach the limit: retry when one has ended. */
        BUSY
    }

    private final int maxFailures;
    private final Duration window;
    private final Cache<String, Counts> counts;

    public LoginThrottle(int maxFailures, Duration window) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.counts = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(window)
                .build();
    }

    /** Failures and running attempts of one key; guarded by its own monitor. */
    private static final class Counts {
        private int failures;
        private int running;
    }

    /** Whether this source may try a password now (it has not used up its failures). */
    public boolean allows(String sourceIp) {
        Counts count = counts.getIfPresent(sourceIp);
        if (count == null) {
            return true;
        }
        synchronized (count) {
            return count.failures < maxFailures;
        }
    }

    /** Starts an attempt if failures plus running attempts stay under the limit. */
    public Start tryStart(String sourceIp) {
        Counts count = counts.asMap().computeIfAbsent(sourceIp, ip -> new Counts());
        synchronized (count) {
            if (count.failures >= maxFailures) {
                return Start.THROTTLED;
            }
            if (count.failures + count.running >= maxFailures) {
                return Start.BUSY;
            }
            count.running++;
            return Start.STARTED;
        }
    }

    /** Ends an attempt started with {@link #tryStart}; a failed one counts for the rest of the window. */
    public void finish(String sourceIp, boolean failed) {
        Counts count = counts.getIfPresent(sourceIp);
        if (count == null) {
            // The window ended while the attempt ran; a failure still counts, in a new window.
            if (failed) {
                recordFailure(sourceIp);
            }
            return;
        }
        synchronized (count) {
            count.running = Math.max(0, count.running - 1);
            if (failed) {
                count.failures++;
            }
        }
    }

    public void recordFailure(String sourceIp) {
        Counts count = counts.asMap().computeIfAbsent(sourceIp, ip -> new Counts());
        synchronized (count) {
            count.failures++;
        }
    }

    public Duration window() {
        return window;
    }
}
