package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.directory.PasswordChecksBusyException;
import org.patgate.server.error.TooManyRequestsException;
import org.patgate.server.error.UnauthorizedException;
import org.patgate.server.principal.Principal;

/**
 * Sign-in and sign-out. Sign-in checks passwords through the management API's authenticator (same
 * directory, same per-IP and per-user throttle, same audit) and starts a new session with a new
 * id. Before sign-in there is no session, so the form is protected by a double-submit token: a
 * random value in a strict, path-bound cookie that the form must repeat (no login CSRF).
 * Thread-safe.
 */
public final class LoginPages {

    public static final String PATH = "/.patgate/login";
    private static final Pattern SAFE_NEXT = Pattern.compile("/\\.patgate/(?!login)[A-Za-z0-9_\\-/]{0,200}");

    private final UiSessions sessions;
    private final ApiAuthenticator authenticator;

    public LoginPages(UiSessions sessions, ApiAuthenticator authenticator) {
        this.sessions = sessions;
        this.authenticator = authenticator;
    }

    /** The sign-in URL that returns to {@code path} afterwards, when that is one of our pages. */
    public static String loginUrl(String path) {
        return path != null && SAFE_NEXT.matcher(path).matches() && !path.contains("//")
                ? PATH + "?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                : PATH;
    }

    public void handle(UiExchange exchange) {
        if (exchange.segments().size() != 1) {
            throw new org.patgate.server.error.NotFoundException("no such page");
        }
        if (exchange.method().equals("POST")) {
            submit(exchange);
        } else if (exchange.auth() != null) {
            exchange.redirect(next(exchange.query("next")));
        } else {
            String token = sessions.randomToken();
            exchange.setCookie(loginCookie(exchange.request(), token));
            show(exchange, 200, token, "", null);
        }
    }

    private void submit(UiExchange exchange) {
        String expected = loginCookieValue(exchange.request());
        String presented = exchange.field(UiSessions.CSRF_FIELD);
        if (expected == null
                || presented == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            String token = sessions.randomToken();
            exchange.setCookie(loginCookie(exchange.request(), token));
            show(exchange, 403, token, "", "The sign-in form had expired. Please sign in again.");
            return;
        }
        String username = exchange.field("username");
        String password = exchange.field("password");
        username = username == null ? "" : username.strip();
        if (username.isEmpty() || password == null || password.isEmpty()) {
            show(exchange, 400, expected, username, "Enter your username and password.");
            return;
        }
        char[] secret = password.toCharArray();
        Principal principal;
        try {
            principal = authenticator.login(username, secret, exchange.sourceIp(), "ui");
        } catch (UnauthorizedException e) {
            show(exchange, 401, expected, username, "Wrong username or password.");
            return;
        } catch (TooManyRequestsException e) {
            exchange.response()
                    .getHeaders()
                    .put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()));
            show(
                    exchange,
                    429,
                    expected,
                    username,
                    "Too many failed sign-ins. Try again in "
                            + Math.max(1, e.retryAfter().toMinutes()) + " minutes.");
            return;
        } catch (PasswordChecksBusyException e) {
            exchange.response()
                    .getHeaders()
                    .put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()));
            show(
                    exchange,
                    503,
                    expected,
                    username,
                    "Too many sign-ins are being checked right now. " + "Try again in a moment.");
            return;
        } finally {
            Arrays.fill(secret, '\0');
        }
        String id = sessions.signIn(principal, sessions.sessionId(exchange.request()));
        exchange.setCookie(sessions.cookie(exchange.request(), id));
        exchange.setCookie(loginCookie(exchange.request(), null));
        exchange.redirect(next(exchange.query("next")));
    }

    /** Ends the session (the caller has checked its CSRF token) and clears the cookie. */
    public void logout(UiExchange exchange) {
        if (!exchange.method().equals("POST") || exchange.segments().size() != 1) {
            exchange.response().getHeaders().put(HttpHeader.ALLOW, "POST");
            exchange.html(
                    405,
                    "error.jte",
                    Map.of(
                            "shell",
                            exchange.shell("Sign out", ""),
                            "status",
                            405,
                            "message",
                            "Sign out with the button in the page header."));
            return;
        }
        sessions.signOut(exchange.auth().id());
        exchange.setCookie(sessions.cookie(exchange.request(), null));
        exchange.redirect(PATH);
    }

    private void show(UiExchange exchange, int status, String token, String username, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Sign in", "login"));
        params.put("csrf", token);
        params.put("username", username);
        params.put("error", error);
        params.put("next", next(exchange.query("next")));
        exchange.html(status, "login.jte", params);
    }

    private static String next(String next) {
        return next != null && SAFE_NEXT.matcher(next).matches() && !next.contains("//") ? next : TokenPages.PATH;
    }

    private String loginCookieName(Request request) {
        return sessions.isSecure(request) ? "__Secure-patgate-login" : "patgate-login";
    }

    private String loginCookie(Request request, String token) {
        String value = loginCookieName(request) + "=" + (token == null ? "" : token) + "; Path=" + PATH
                + "; HttpOnly; SameSite=Strict" + (sessions.isSecure(request) ? "; Secure" : "");
        return value + (token == null ? "; Max-Age=0" : "; Max-Age=3600");
    }

    private String loginCookieValue(Request request) {
        String name = loginCookieName(request);
        String found = null;
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                if (found != null) {
                    return null;
                }
                found = cookie.getValue();
            }
        }
        return found;
    }
}
