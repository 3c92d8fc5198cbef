/**
 * The token lifecycle and the token check: {@link TokenService} creates (the secret shown once),
 * lists, revokes, rotates and decides approvals, audited and subject to permissions and policies;
 * {@link TokenVerifier} answers the gateway's "is this token good now, and whose?" from an HMAC
 * and in-memory caches (a hot-slot table, a positive and a short negative cache) in front of the
 * store; {@link TokenRulesCodec} is the JSON of token rules. Must not speak HTTP, keep a secret
 * beyond handing it out once, or let a caller learn about a token it may not see (not found, never
 * forbidden).
 *
 * <p>Floor: services ({@code audit}, {@code directory}, {@code permission}, {@code policy},
 * {@code token}, {@code activity} and {@code settings}): it may use the foundation and other
 * service packages without a cycle, never an edge or launch package and never Jetty's server or
 * HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.token;
