/**
 * The token itself: its format {@code <prefix><body><checksum>} and parsing ({@link TokenFormat},
 * {@link TokenParse}, {@link Base62}), the pepper-keyed HMAC the database stores
 * ({@link TokenDigester}, {@link TokenDigest}) and the scope ({@link Scope}). Must not store,
 * cache or log a token, nor put a secret in a message or {@code toString()}.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses nothing of core but
 * the root package.
 */
package org.patgate.core.token;
