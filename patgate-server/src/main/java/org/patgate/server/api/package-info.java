/**
 * The management API under {@code /.patgate/api/v1/}: the route table ({@link ApiRoutes}, matched
 * to {@code docs/openapi.yaml} by a test), the handler that authenticates and dispatches
 * ({@link ApiHandler}), the cross-site write guard, one resource per subject (tokens, users,
 * audit, permissions, policies, settings, directory) and the health endpoint. Resources translate
 * JSON to service calls and answers back. Must not hold business rules (they live in the services)
 * or map exceptions itself (the {@code http} package's table does).
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. Uses {@code http} and {@code auth}.
 */
package org.patgate.server.api;
