/**
 * Users and groups: PATgate's own local directory with Argon2id passwords ({@link LocalDirectory},
 * {@link PasswordHasher}, a cap on concurrent checks and a short memory of recent logins), the
 * directories in the order they are asked ({@link Directories}: local first, then LDAP) and
 * managing local users, groups and the bootstrap admin ({@link UserService}). Must not speak HTTP
 * or reveal by answer or timing whether a username exists; a local user is never looked up in
 * LDAP.
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.directory;
