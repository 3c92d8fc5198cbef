package org.patgate.core.path;

import java.util.Objects;

/**
 * The outcome of {@link PathNormalizer#normalize(String)}: either the path the upstream will act
 * on, or a refusal. Immutable and thread-safe.
 */
public sealed interface NormalizedPath {

    /**
     * A path that is safe to match rules against and to forward.
     *
     * @param decoded the once-decoded, dot-resolved, parameter-stripped path used for rule matching;
     *                always starts with {@code '/'}, has no empty, {@code .} or {@code ..} segments
     *                (a single trailing {@code '/'} is kept), no control character, {@code '\'} or
     *                {@code ';'}
     * @param encoded the same path re-encoded for the wire: what the gateway forwards upstream, so the
     *                upstream acts on exactly what was checked. {@code normalize(encoded)} yields this
     *                same {@code Ok}.
     */
    record Ok(String decoded, String encoded) implements NormalizedPath {
        public Ok {
            Objects.requireNonNull(decoded, "decoded");
            Objects.requireNonNull(encoded, "encoded");
        }
    }

    /**
     * A path that is ambiguous or malformed and must not reach the upstream (answer {@code 400}).
     *
     * @param reason a fixed description of the problem, safe to show the client; it never echoes
     *               the request path
     */
    record Refused(String reason) implements NormalizedPath {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
