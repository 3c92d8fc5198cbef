/**
 * The data plane: every request that is not PATgate's own. {@link GatewayHandler} normalises the
 * path, reads the credentials ({@link CredentialExtractor}), asks the {@link AccessDecider}
 * (tokens through the token verifier, the {@code rest.*} rules, the core's read-only policy and
 * token rules) and either refuses with problem+json or hands a {@link ForwardPlan} on through
 * {@link ExchangeAdmission} to the {@link UpstreamProxy}; plus the guards around it (form
 * passwords, WebDAV destinations, slow request bodies, exchange budgets). {@link ExternalCheck}
 * answers the same decisions to a trusted proxy that forwards by itself ({@code /.patgate/check},
 * served by {@link ExternalCheckHandler}). Must fail closed (any
 * error while deciding refuses), never let a refused request or a PATgate token reach the
 * upstream, never believe a client-sent identity header, and never wait on the database for a
 * cached token.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. Uses {@code http}.
 */
package org.patgate.server.gateway;
