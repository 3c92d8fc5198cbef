/**
 * Users and groups read from LDAP or Active Directory ({@link LdapDirectory}): bind login as the
 * user, group membership (nested when enabled) through a short cache, the directory's observed
 * health ({@link DirectoryStatus}). Its settings are the {@code config} package's
 * {@code LdapSettings}. Must not paste user input into a filter, keep a user's bind on a pooled
 * connection, or let a directory outage admit anyone (fail closed).
 *
 * <p>Part of {@code directory}. Floor: services ({@code audit}, {@code directory},
 * {@code permission}, {@code policy}, {@code token}, {@code activity} and {@code settings}): it
 * may use the foundation and other service packages without a cycle, never an edge or launch
 * package and never Jetty's server or HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.directory.ldap;
