package org.patgate.core.path;

import java.util.List;
import java.util.Objects;

/**
 * An ordered, immutable set of {@link PathPattern}s that matches when any of them matches, e.g. the
 * configured {@code rest.paths} or the read-only POST allowlist. Thread-safe.
 */
public final class PathPatternSet {

    private static final PathPatternSet EMPTY = new PathPatternSet(List.of());

    private final List<PathPattern> patterns;

    private PathPatternSet(List<PathPattern> patterns) {
        this.patterns = patterns;
    }

    /**
     * Parses every pattern.
     *
     * @throws InvalidPathPatternException for the first invalid pattern
     */
    public static PathPatternSet of(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        if (patterns.isEmpty()) {
            return EMPTY;
        }
        return new PathPatternSet(patterns.stream().map(PathPattern::parse).toList());
    }

    /** The set that matches nothing. */
    public static PathPatternSet empty() {
        return EMPTY;
    }

    /**
     * Whether any pattern matches.
     *
     * @param decodedNormalizedPath a {@link NormalizedPath.Ok#decoded()} value
     * @throws IllegalArgumentException if the path is not in normalised form (see
     *         {@link PathPattern#matches(String)})
     */
    public boolean matches(String decodedNormalizedPath) {
        PathPattern.requireNormalized(decodedNormalizedPath);
        for (PathPattern pattern : patterns) {
            if (pattern.matchesNormalized(decodedNormalizedPath)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** The parsed patterns, in the given order. */
    public List<PathPattern> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return patterns.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathPatternSet that && patterns.equals(that.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }
}
