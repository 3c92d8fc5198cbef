/**
 * Request paths: turning the path on the wire into the path the upstream will act on, or refusing
 * it ({@link PathNormalizer}, {@link NormalizedPath}), and the path patterns rules are written in
 * ({@link PathPattern}, {@link PathPatternSet}). Must not guess: an ambiguous path is refused, and
 * patterns only ever see a normalised, decoded path.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses nothing of core but
 * the root package.
 */
package org.patgate.core.path;
