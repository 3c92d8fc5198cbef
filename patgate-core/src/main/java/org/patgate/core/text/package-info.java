/**
 * Text that could lie about itself when shown or logged: control, line-separator and bidirectional
 * formatting characters ({@link UnsafeText}), refused in names and escaped in logs. Must not
 * decide where text is shown; callers choose to refuse or escape.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses nothing of core but
 * the root package.
 */
package org.patgate.core.text;
