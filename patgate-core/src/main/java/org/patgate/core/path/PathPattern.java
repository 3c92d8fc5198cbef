package org.patgate.core.path;

import java.util.Objects;

/**
 * A path rule such as {@code /rest/**}, {@code /rest/api/2/search} or {@code /rest/api/*}{@code /issue/*},
 * matched segment by segment against a {@linkplain NormalizedPath.Ok#decoded() decoded normalised
 * path}.
 *
 * <ul>
 *   <li>A literal segment matches the same characters exactly (case-sensitive), never a prefix:
 *       {@code /rest/**} does not match {@code /restore} or {@code /rest-api}.</li>
 *   <li>{@code *} matches exactly one non-empty segment.</li>
 *   <li>{@code **} matches zero or more segments and may only be the last segment, so
 *       {@code /rest/**} matches {@code /rest}, {@code /rest/} and {@code /rest/api/2/issue}.</li>
 *   <li>A single trailing {@code '/'} is ignored on both sides: {@code /a/b/} matches {@code /a/b}.</li>
 * </ul>
 *
 * <p>Patterns are written in decoded form and are refused ({@link InvalidPathPatternException}) when
 * they do not start with {@code '/'}, contain an empty, {@code .} or {@code ..} segment, a {@code '*'}
 * inside a segment, {@code **} before the end, or any of {@code % ; ? # \} or a control character:
 * a pattern that could never match a normalised path is a configuration mistake.
 *
 * <p>Immutable and thread-safe.
 */
public final class PathPattern {

    private static final String ONE_SEGMENT = "*";
    private static final String ANY_SEGMENTS = "**";

    private final String text;
    private final String[] segments;

    private PathPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Parses a pattern.
     *
     * @throws InvalidPathPatternException naming the problem and the pattern
     */
    public static PathPattern parse(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new InvalidPathPatternException("path pattern must not be empty");
        }
        if (pattern.charAt(0) != '/') {
            throw invalid(pattern, "must start with '/'");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                throw invalid(pattern, "contains a control character");
            }
            if ("%;?#\\".indexOf(c) >= 0) {
                throw invalid(pattern, "contains '" + c + "'; write patterns decoded, without parameters or query");
            }
        }
        // A trailing '/' is ignored for matching, so "/a/" is the pattern "/a" and "/" has no segments.
        int end = pattern.length() > 1 && pattern.endsWith("/") ? pattern.length() - 1 : pattern.length();
        String[] segments = pattern.length() == 1
                ? new String[0]
                : pattern.substring(1, end).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                throw invalid(pattern, "contains an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid(pattern, "contains a '" + segment + "' segment");
            }
            if (segment.equals(ANY_SEGMENTS)) {
                if (i != segments.length - 1) {
                    throw invalid(pattern, "'**' is only allowed as the last segment");
                }
            } else if (!segment.equals(ONE_SEGMENT) && segment.indexOf('*') >= 0) {
                throw invalid(pattern, "'*' must be a whole segment ('*' or a final '**')");
            }
        }
        return new PathPattern(pattern, segments);
    }

    /**
     * Whether the path matches this pattern.
     *
     * @param decodedNormalizedPath a {@link NormalizedPath.Ok#decoded()} value
     * @throws IllegalArgumentException if the path is not in normalised form (for example it still
     *         has a {@code ..} segment); matching it could wrongly allow or exempt a request, so the
     *         caller must fail closed
     */
    public boolean matches(String decodedNormalizedPath) {
        requireNormalized(decodedNormalizedPath);
        return matchesNormalized(decodedNormalizedPath);
    }

    boolean matchesNormalized(String path) {
        // Ignore one trailing '/', including that of the root: "/" becomes "" and has no segments.
        int end = path.endsWith("/") ? path.length() - 1 : path.length();
        int position = 0; // at a '/' or at end
        for (String segment : segments) {
            if (segment.equals(ANY_SEGMENTS)) {
                return true;
            }
            if (position >= end) {
                return false;
            }
            int segmentStart = position + 1;
            int segmentEnd = path.indexOf('/', segmentStart);
            if (segmentEnd < 0 || segmentEnd > end) {
                segmentEnd = end;
            }
            int segmentLength = segmentEnd - segmentStart;
            if (segment.equals(ONE_SEGMENT)) {
                if (segmentLength == 0) {
                    return false;
                }
            } else if (segmentLength != segment.length()
                    || !path.regionMatches(segmentStart, segment, 0, segmentLength)) {
                return false;
            }
            position = segmentEnd;
        }
        return position == end;
    }

    /**
     * Checks the shape {@link PathNormalizer} guarantees for {@code decoded}: starts with '/', no
     * empty segment except a trailing '/', no dot segment, no control character, '\' or ';'.
     */
    static void requireNormalized(String path) {
        Objects.requireNonNull(path, "decodedNormalizedPath");
        int length = path.length();
        if (length == 0 || path.charAt(0) != '/') {
            throw new IllegalArgumentException("path is not normalised: must start with '/'");
        }
        int segmentStart = 1;
        for (int i = 1; i <= length; i++) {
            char c = i < length ? path.charAt(i) : '/';
            if (c == '/') {
                int segmentLength = i - segmentStart;
                if (segmentLength == 0 && i < length // only the virtual segment after a trailing '/' may be empty
                        || segmentLength == 1 && path.charAt(segmentStart) == '.'
                        || segmentLength == 2
                                && path.charAt(segmentStart) == '.'
                                && path.charAt(segmentStart + 1) == '.') {
                    throw new IllegalArgumentException("path is not normalised: empty or dot segment");
                }
                segmentStart = i + 1;
            } else if (c < 0x20 || c >= 0x7F && c <= 0x9F || c == '\\' || c == ';') {
                throw new IllegalArgumentException("path is not normalised: control character, '\\' or ';'");
            }
        }
    }

    private static InvalidPathPatternException invalid(String pattern, String problem) {
        return new InvalidPathPatternException("invalid path pattern '" + printable(pattern) + "': " + problem);
    }

    /** Keeps control characters out of messages that end up in logs. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The pattern text as written. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathPattern that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
