/**
 * The UI's pages (sign-in, tokens, token manager, users, permissions and policies, settings,
 * audit), the per-request {@link UiExchange}, the view values the jte templates show
 * ({@link Views}), the precompiled templates and the static assets. Templates hold no logic beyond
 * loops and conditions, and output is always escaped. Part of its parent package and on its floor;
 * no other package imports it.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it.
 */
package org.patgate.server.ui.internal;
