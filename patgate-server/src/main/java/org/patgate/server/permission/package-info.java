/**
 * Which groups hold which permissions: {@link Permissions} resolves a user's permissions from
 * their groups (kept in memory, reloaded on change) and {@link PermissionService} lets admins
 * change them, audited. Must not speak HTTP; a change drops cached token checks so it applies on
 * the next request.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.permission;
