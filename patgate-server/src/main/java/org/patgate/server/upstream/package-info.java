/**
 * The users' links to their own accounts on a stock Jira, Confluence or Bitbucket Data Center: the
 * product's native token API (who a native token belongs to, minting one with the user's password,
 * revoking it), the native credentials kept encrypted under a key file outside the database, and
 * the status of each link (linked, expiring, expired, broken, revoked). With
 * {@code identity.mode: upstream-token} the gateway forwards a request with its owner's native
 * credential in place of the PATgate token.
 *
 * <p>Must not log, audit or return a native secret, nor keep one unencrypted outside a short-lived
 * in-memory cache.
 *
 * <p>Floor: services. It may use the foundation floor ({@code store}, {@code config},
 * {@code error}, {@code principal}, {@code logging}) and the other services ({@code audit},
 * {@code directory}) without a cycle, never the edge or Jetty; it speaks to the upstream with the
 * JDK's HTTP client.
 */
package org.patgate.server.upstream;
