/**
 * The root of the core module: {@link PatgateException}, the one unchecked exception every PATgate
 * failure extends (core and server alike). Must not hold anything else: each capability has its
 * own package.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. The lowest core package:
 * the other core packages stand on it.
 */
package org.patgate.core;
