/**
 * Who is calling the management API and the web UI: HTTP Basic with directory credentials or a UI
 * session with its CSRF token ({@link ApiAuthenticator}), the UI's server-side sessions
 * ({@link UiSessions}) and the per-IP and per-username throttle on password logins
 * ({@link LoginThrottle}). Must not decide what a caller may do (that is the services' job with
 * the {@code Principal} it returns), authenticate tokens (the gateway does), or say whether a
 * username or a password was wrong.
 *
 * <p>Floor: edge ({@code http}, {@code auth}, {@code gateway}, {@code identity}, {@code api} and
 * {@code ui}): it may use the services and the foundation below it and other edge packages without
 * a cycle; only the launch floor may use it. Uses {@code http}; {@code api} and {@code ui} use it.
 */
package org.patgate.server.auth;
