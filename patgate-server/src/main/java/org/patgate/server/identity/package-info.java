/**
 * Telling the upstream who calls in identity mode {@code jwt}: short-lived ES256 JWTs
 * ({@link JwtIssuer}), their signing keys, rotated and stored encrypted ({@link SigningKeys}), and
 * the public JWK Set ({@link JwksHandler}). Must not decide whether a request may pass (the
 * gateway has decided before a JWT is issued) or keep a private key in the clear.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. Uses {@code http}.
 */
package org.patgate.server.identity;
