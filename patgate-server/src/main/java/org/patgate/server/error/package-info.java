/**
 * The failures every floor may throw, named by what the caller did wrong: invalid request,
 * unauthorized, forbidden, not found, conflict, too many requests. Each extends
 * {@code PatgateException}; {@code http.Problems} turns them into answers. Must not know HTTP or
 * carry a secret in a message.
 *
 * <p>Floor: foundation, the bottom floor of the server ({@code store}, {@code config},
 * {@code error}, {@code principal} and {@code logging}): it may use only other foundation packages
 * without a cycle, {@code patgate-core} and libraries, never Jetty's server or HTTP classes; every
 * floor above may use it. Uses only {@code patgate-core}.
 */
package org.patgate.server.error;
