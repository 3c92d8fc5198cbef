/**
 * Start-up and wiring of a node: {@link PatgateServer} binds the listening socket first
 * ({@link ListenSocket}), then builds the pepper, database, directory, services and the Jetty
 * handler tree (health, API, UI, JWKS, the gateway in front of the upstream proxy, 404s for the
 * rest) and stops them in reverse; plus Jetty's own error answers as problem+json
 * ({@link ProblemErrorHandler}) and the build's {@link Version}. Must not hold rules of its own:
 * it only constructs and connects what the packages below provide.
 *
 * <p>Floor: launch, the top floor ({@code app}, {@code cli} and {@code demo}): it may use every
 * floor below it, and no package may depend on it.
 */
package org.patgate.server.app;
