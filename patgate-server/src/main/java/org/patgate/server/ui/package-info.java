/**
 * The web UI under {@code /.patgate/}: {@link UiHandler} routes sign-in, the user's tokens, the
 * admin pages and static assets, sets a strict Content-Security-Policy and checks every POST's
 * CSRF token; {@link UiContext} is what the pages work with. Must not hold rules of its own: every
 * change goes through the same services as the management API.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. Uses {@code http} and {@code auth}.
 */
package org.patgate.server.ui;
