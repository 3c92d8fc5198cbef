/**
 * The LDAP directory's machinery: connections and TLS ({@link LdapConnector}), certificate
 * host-name checks and the search for a user and their groups with escaped filters
 * ({@link DirectoryReader}). Part of its parent package and on its floor; no other package imports
 * it.
 *
 * <p>Part of {@code directory}. Floor: services ({@code audit}, {@code directory},
 * {@code permission}, {@code policy}, {@code token}, {@code activity} and {@code settings}): it
 * may use the foundation and other service packages without a cycle, never an edge or launch
 * package and never Jetty's server or HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.directory.ldap.internal;
