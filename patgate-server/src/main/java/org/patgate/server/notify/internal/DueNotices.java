package org.patgate.server.notify.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * The arithmetic of the schedule: which expiry reminder is due, and how long a token has been unused.
 * Days are whole periods of 24 hours from the token's own times, so the answer does not depend on time
 * zones. Stateless.
 */
public final class DueNotices {

    private static final long DAY = Duration.ofDays(1).toSeconds();

    private DueNotices() {}

    /** Days until {@code expiresAt}, rounded up: 30 while 29 days and 1 second remain. */
    public static long daysLeft(Instant now, Instant expiresAt) {
        long seconds = Duration.between(now, expiresAt).toSeconds();
        return Math.ceilDiv(seconds, DAY);
    }

    /**
     * The reminder due at {@code now} for a token living from {@code createdAt} to {@code expiresAt}: the
     * smallest of {@code reminderDays} that is at least the days left. Only reminders for a day count the
     * token lived past, so a token created for 5 days is not told at once that it "expires in 7 days"; a
     * schedule that was down for a while sends only the latest reminder, not every one it missed.
     */
    public static OptionalInt dueReminder(
            List<Integer> reminderDays, Instant createdAt, Instant expiresAt, Instant now) {
        if (!now.isBefore(expiresAt)) {
            return OptionalInt.empty();
        }
        long left = daysLeft(now, expiresAt);
        long lifetime = Duration.between(createdAt, expiresAt).toSeconds();
        return reminderDays.stream()
                .mapToInt(Integer::intValue)
                .filter(days -> days >= left && lifetime > days * DAY)
                .min();
    }

    /** Whole days from {@code lastUse} to {@code now}. */
    public static long unusedDays(Instant lastUse, Instant now) {
        return Math.floorDiv(Duration.between(lastUse, now).toSeconds(), DAY);
    }
}
