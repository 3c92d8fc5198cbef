package org.patgate.server.activity;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The path group a request is counted under in usage analytics: its normalised path with id-like
 * segments replaced by {@code {id}} and cut after {@code depth} segments ({@code /**} marks the cut),
 * so (with a depth of 6) {@code /rest/api/2/issue/DEMO-7/comment} and {@code /rest/api/2/issue/10023/comment} count as one
 * {@code /rest/api/2/issue/{id}/comment}. Id-like: three or more digits, an issue key ({@code ABC-123}), a UUID,
 * or 12 or more hex digits holding a digit (commit hashes). Requests refused before their path was
 * understood count as {@link #UNPARSED}. Thread-safe; a bounded cache keeps the hot path free of
 * allocation for paths seen before.
 */
public final class PathGroups {

    /** The group of a request whose path was refused before normalising. */
    public static final String UNPARSED = "(refused path)";

    private static final int MAX_CACHED = 10_000;
    private static final int MAX_SEGMENT = 64;

    private final int depth;
    private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();

    public PathGroups(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, not " + depth);
        }
        this.depth = depth;
    }

    /** The group of a decoded, normalised path (null when there is none). */
    public String of(String decodedPath) {
        if (decodedPath == null) {
            return UNPARSED;
        }
        String group = cache.get(decodedPath);
        if (group == null) {
            group = group(decodedPath, depth);
            if (cache.size() >= MAX_CACHED) {
                cache.clear(); // paths full of ids fill it: start over rather than grow
            }
            cache.put(decodedPath, group);
        }
        return group;
    }

    static String group(String path, int depth) {
        StringBuilder group = new StringBuilder(Math.min(path.length(), 200) + 4);
        int segments = 0;
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segments == depth) {
                return group.append("/**").toString();
            }
            segments++;
            group.append('/');
            if (isIdLike(segment)) {
                group.append("{id}");
            } else {
                group.append(segment, 0, Math.min(segment.length(), MAX_SEGMENT));
            }
        }
        return group.isEmpty() ? "/" : group.toString();
    }

    static boolean isIdLike(String segment) {
        // Short numbers stay: they are API versions ({@code /rest/api/2}) more often than ids.
        return (segment.length() >= 3 && allDigits(segment, 0, segment.length()))
                || isIssueKey(segment)
                || isUuid(segment)
                || isHexId(segment);
    }

    private static boolean allDigits(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code ABC-123}: a letter, letters, digits or underscores, a dash, digits. */
    private static boolean isIssueKey(String s) {
        int dash = s.lastIndexOf('-');
        if (dash < 1 || !Character.isLetter(s.charAt(0)) || !allDigits(s, dash + 1, s.length())) {
            return false;
        }
        for (int i = 1; i < dash; i++) {
            char c = s.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexId(String s) {
        if (s.length() < 12) {
            return false;
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0) {
                return false;
            }
            digit |= c <= '9';
        }
        return digit;
    }
}
