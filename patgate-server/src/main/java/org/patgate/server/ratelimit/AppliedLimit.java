package org.patgate.server.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.patgate.server.policy.RateLimit;

/**
 * The rate limit that applies to one token, resolved when the token is loaded: its windows (per
 * second, minute, day), where each comes from, and the bucket that counts it ({@code token:<id>} for
 * a limit of the token's own or its groups', {@code user:<id>} for one shared by all of a user's tokens).
 * Immutable.
 */
public record AppliedLimit(String bucket, List<Window> windows, String policyField) {

    /**
     * One window of a limit.
     *
     * @param name     the policy name in the {@code RateLimit-Policy} and {@code RateLimit} fields
     * @param requests the requests the window allows
     * @param seconds  the window's length
     * @param capacity the most requests at once (the burst for the per-second window, else {@code requests})
     * @param source   who set it, in words: {@code the token}, {@code user 'alice'}, {@code group 'ci'}
     */
    public record Window(String name, int requests, int seconds, int capacity, String source) {
        public Window {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
        }

        /** The window in words: {@code 100 requests per minute, set by group 'ci'}. */
        public String described() {
            String per = switch (seconds) {
                case 1 -> "second";
                case 60 -> "minute";
                default -> "day";
            };
            return requests + " requests per " + per + (capacity != requests ? " (burst " + capacity + ")" : "")
                    + ", set by " + source;
        }
    }

    public AppliedLimit {
        Objects.requireNonNull(bucket, "bucket");
        windows = List.copyOf(windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("a limit has at least one window");
        }
        policyField = policyField(windows);
    }

    /**
     * A limit of these windows, counted in {@code bucket}; its {@code RateLimit-Policy} value is rendered
     * once, here, since it is the same on every answer.
     */
    public AppliedLimit(String bucket, List<Window> windows) {
        this(bucket, windows, null);
    }

    /** The {@code RateLimit-Policy} value: {@code "per-minute";q=100;w=60, ...}. */
    private static String policyField(List<Window> windows) {
        StringBuilder value = new StringBuilder(48);
        for (Window window : windows) {
            if (!value.isEmpty()) {
                value.append(", ");
            }
            value.append('"')
                    .append(window.name())
                    .append("\";q=")
                    .append(window.requests())
                    .append(";w=")
                    .append(window.seconds());
        }
        return value.toString();
    }

    /**
     * The windows of {@code limit}, each from {@code source}; null when {@code limit} sets none.
     *
     * @param bucket which bucket counts it
     */
    public static AppliedLimit of(String bucket, RateLimit limit, String source) {
        if (limit == null || limit.isNone()) {
            return null;
        }
        return new AppliedLimit(bucket, windows(limit, source, source, source));
    }

    static List<Window> windows(RateLimit limit, String secondBy, String minuteBy, String dayBy) {
        List<Window> windows = new ArrayList<>(3);
        if (limit.perSecond() != null) {
            windows.add(new Window("per-second", limit.perSecond(), 1, limit.burstOrRate(), secondBy));
        }
        if (limit.perMinute() != null) {
            windows.add(new Window("per-minute", limit.perMinute(), 60, limit.perMinute(), minuteBy));
        }
        if (limit.perDay() != null) {
            windows.add(new Window("per-day", limit.perDay(), 86_400, limit.perDay(), dayBy));
        }
        return windows;
    }

    /** The limit in words, each window with its source. */
    public String described() {
        return String.join("; ", windows.stream().map(Window::described).toList());
    }
}
