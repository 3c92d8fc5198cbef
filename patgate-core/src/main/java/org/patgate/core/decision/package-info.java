/**
 * The allow/deny answer for one request: the sealed {@link Decision} ({@code Allow} /
 * {@code Deny(reason, status)}), the exact method spellings the gateway forwards
 * ({@link ForwardedMethods}, {@link MethodToken}) and what a read-only token may do
 * ({@link ReadOnlyPolicy}). Pure functions of their arguments: must not look anything up, read a
 * request object or log.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses
 * {@code org.patgate.core.path}.
 */
package org.patgate.core.decision;
