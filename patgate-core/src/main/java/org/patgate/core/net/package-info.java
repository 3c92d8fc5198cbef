/**
 * IP addresses and CIDR ranges: strict literal parsing that never consults DNS
 * ({@link IpAddresses}), one range ({@link IpRange}) and the set a token or a setting allows
 * ({@link IpRangeSet}). Must not resolve a host name or accept a lenient address form: trust must
 * not depend on DNS.
 *
 * <p>Floor: {@code patgate-core}, below the whole server: it depends on the JDK alone (no server
 * package, no Jetty, no JDBC, no Jackson) and its packages form no cycle. Uses nothing of core but
 * the root package.
 */
package org.patgate.core.net;
