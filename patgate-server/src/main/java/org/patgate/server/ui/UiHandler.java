package org.patgate.server.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.http.Problems;
import org.patgate.server.ui.internal.AdminPages;
import org.patgate.server.ui.internal.LoginPages;
import org.patgate.server.ui.internal.StaticAssets;
import org.patgate.server.ui.internal.Templates;
import org.patgate.server.ui.internal.TokenPages;
import org.patgate.server.ui.internal.UiExchange;
import org.patgate.server.ui.internal.UpstreamLinkPages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI under {@code /.patgate/}: sign-in, the user's tokens, the admin pages and static
 * assets. Takes only its own routes and leaves the rest of the namespace (API, health, check) to
 * other handlers. Every answer carries a strict Content-Security-Policy; every POST needs the
 * session's CSRF token (form field or header), except sign-in, which has its own. While the node
 * knows its database is unreachable, every page (not the static assets) answers at once with 503, a
 * {@code Retry-After} and a page saying so, before looking up the session (which needs the
 * database); an htmx request gets only the alert, for the page's banner. Thread-safe.
 */
public final class UiHandler extends Handler.Abstract {

    public static final String PREFIX = "/.patgate/";
    /** No inline script or style, no framing, forms only to ourselves. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            + "form-action 'self'; base-uri 'none'";

    private static final Set<String> ROUTES =
            Set.of("", "login", "logout", "tokens", "admin", "static", "api-docs", "upstream-link");
    private static final Logger LOG = LoggerFactory.getLogger(UiHandler.class);

    private final UiSessions sessions;
    private final ClientAddressResolver addresses;
    private final Templates templates = new Templates();
    private final StaticAssets assets;
    private final LoginPages login;
    private final TokenPages tokens;
    private final AdminPages admin;
    private final UpstreamLinkPages links;
    private final BooleanSupplier databaseUnreachable;

    /**
     * @param trustedProxies whose {@code X-Forwarded-For} is believed for the caller's address
     * @param login          sign-in and sign-out
     * @param tokens         the signed-in user's tokens
     * @param admin          the administration pages
     * @param links          the user's link to the upstream product (pages absent unless that identity mode)
     * @param databaseUnreachable whether the node knows its database cannot be reached right now
     */
    public UiHandler(
            UiSessions sessions,
            IpRangeSet trustedProxies,
            LoginPages login,
            TokenPages tokens,
            AdminPages admin,
            UpstreamLinkPages links,
            BooleanSupplier databaseUnreachable) {
        this.sessions = sessions;
        this.addresses = new ClientAddressResolver(trustedProxies);
        this.assets = new StaticAssets(
                webjarVersion("org.webjars.npm", "htmx.org"),
                webjarVersion("org.webjars.npm", "uplot"),
                webjarVersion("org.webjars", "swagger-ui"));
        this.login = login;
        this.tokens = tokens;
        this.admin = admin;
        this.links = links;
        this.databaseUnreachable = databaseUnreachable;
    }

    /** The names under {@code /.patgate/static/} this handler serves. */
    public Set<String> staticAssets() {
        return assets.names();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        List<String> segments = Arrays.asList(path.substring(PREFIX.length()).split("/", -1));
        if (!ROUTES.contains(segments.getFirst())) {
            return false;
        }
        securityHeaders(response.getHeaders(), segments.getFirst().equals("static"));
        String sourceIp = addresses
                .resolve(request.getConnectionMetaData().getRemoteSocketAddress(), request.getHeaders())
                .getHostAddress();
        boolean page = !segments.getFirst().equals("static");
        UiSessions.Authenticated auth = null;
        try {
            if (page && databaseUnreachable.getAsBoolean()) {
                // Answered before the session is looked up: that would wait for a connection that will not come.
                databaseAway(anonymous(request, response, callback, segments, sourceIp));
                return true;
            }
            auth = page ? sessions.find(request).orElse(null) : null;
        } catch (RuntimeException e) {
            fail(anonymous(request, response, callback, segments, sourceIp), e);
            return true;
        }
        UiExchange exchange =
                new UiExchange(request, response, callback, templates, assets.paths(), segments, sourceIp, auth, links);
        try {
            route(exchange);
        } catch (RuntimeException e) {
            fail(exchange, e);
        }
        return true;
    }

    private UiExchange anonymous(
            Request request, Response response, Callback callback, List<String> segments, String sourceIp) {
        return new UiExchange(request, response, callback, templates, assets.paths(), segments, sourceIp, null, links);
    }

    /**
     * 503 with {@code Retry-After}: the page, or for htmx the alert alone with the headers that put it
     * in the page's banner ({@code #ui-alert}; app.js swaps it there although the status is an error).
     */
    private static void databaseAway(UiExchange exchange) {
        HttpFields.Mutable headers = exchange.response().getHeaders();
        Problems.databaseUnavailable().headers().forEach(headers::put);
        if (exchange.htmx()) {
            headers.put("HX-Retarget", "#ui-alert");
            headers.put("HX-Reswap", "innerHTML");
            exchange.html(503, "database_away_alert.jte", Map.of());
            return;
        }
        String path = exchange.request().getHttpURI().getPathQuery();
        exchange.html(
                503,
                "database_away.jte",
                Map.of(
                        "shell",
                        exchange.shell("Database unreachable", ""),
                        // After a refused form, trying again means reloading the form, not repeating the POST.
                        "retry",
                        exchange.method().equals("GET") ? path : TokenPages.PATH));
    }

    private void route(UiExchange exchange) {
        List<String> segments = exchange.segments();
        String method = exchange.method();
        String first = segments.getFirst();
        if (first.equals("static")) {
            serveStatic(exchange, String.join("/", segments.subList(1, segments.size())));
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            exchange.response().getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
            error(exchange, 405, "Method not allowed", method + " is not used here.");
            return;
        }
        if (first.equals("login")) {
            login.handle(exchange);
            return;
        }
        if (exchange.auth() == null) {
            if (method.equals("POST")) {
                error(exchange, 403, "Session ended", "Your session has ended. Sign in again and repeat the action.");
            } else if (exchange.htmx()) {
                exchange.response().getHeaders().put("HX-Redirect", LoginPages.PATH);
                exchange.send(401, "text/plain; charset=utf-8", "sign in again");
            } else {
                exchange.redirect(
                        LoginPages.loginUrl(exchange.request().getHttpURI().getPath()));
            }
            return;
        }
        if (method.equals("POST") && !csrfValid(exchange)) {
            error(
                    exchange,
                    403,
                    "Request refused",
                    "The form was stale or did not come from this site. " + "Reload the page and try again.");
            return;
        }
        switch (first) {
            case "" -> exchange.redirect(TokenPages.PATH);
            case "logout" -> login.logout(exchange);
            case "tokens" -> tokens.handle(exchange);
            case "admin" -> admin.handle(exchange);
            case "api-docs" -> apiDocs(exchange);
            case "upstream-link" -> links.handle(exchange);
            default ->
                throw new NotFoundException(
                        "no page " + exchange.request().getHttpURI().getPath());
        }
    }

    /** {@code GET /.patgate/api-docs}: the management API's description, rendered by Swagger UI. */
    private void apiDocs(UiExchange exchange) {
        if (exchange.segments().size() != 1 || exchange.method().equals("POST")) {
            throw new NotFoundException("no such page");
        }
        exchange.html(
                200,
                "api_docs.jte",
                Map.of(
                        "shell",
                        exchange.shell("API documentation", "api-docs"),
                        "script",
                        assets.swaggerUiJs(),
                        "style",
                        assets.swaggerUiCss()));
    }

    /** The session's CSRF token in the header (htmx, scripts) or the form field; both are checked if both are sent. */
    private static boolean csrfValid(UiExchange exchange) {
        List<String> headers = exchange.request().getHeaders().getValuesList(UiSessions.CSRF_HEADER);
        if (headers.size() > 1) {
            return false;
        }
        UiSessions.UiSession session = exchange.auth().session();
        if (headers.size() == 1) {
            return UiSessions.csrfMatches(session, headers.getFirst());
        }
        return UiSessions.csrfMatches(session, exchange.field(UiSessions.CSRF_FIELD));
    }

    private void serveStatic(UiExchange exchange, String name) {
        StaticAssets.Asset asset = assets.get(name);
        if (asset == null) {
            exchange.send(404, "text/plain; charset=utf-8", "no such file");
            return;
        }
        HttpFields.Mutable headers = exchange.response().getHeaders();
        headers.put(HttpHeader.CACHE_CONTROL, asset.cacheControl());
        headers.put(HttpHeader.ETAG, asset.etag());
        if (asset.etag().equals(exchange.request().getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            exchange.empty(304);
            return;
        }
        exchange.sendBytes(200, asset.contentType(), asset.buffer());
    }

    private static void securityHeaders(HttpFields.Mutable headers, boolean cacheable) {
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        if (!cacheable) {
            headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        }
    }

    /** Page titles for the answers of the shared table ({@link Problems}), in the UI's words. */
    private static final Map<String, String> TITLES = Map.of(
            "not-found",
            "Not found",
            "forbidden",
            "Forbidden",
            "invalid-request",
            "Bad request",
            "conflict",
            "Not possible right now",
            "too-many-requests",
            "Too many attempts",
            "busy",
            "Busy",
            "unauthorized",
            "Sign in again",
            "directory-unavailable",
            "Directory unavailable");

    private void fail(UiExchange exchange, RuntimeException e) {
        Problems.Answer answer = Problems.answer(e);
        if (answer.slug().equals("database-unavailable")) {
            // The database went away before the node knew: the same answer as when it knows.
            databaseAway(exchange);
            return;
        }
        if (!answer.expected()) {
            LOG.error(
                    "UI request {} {} failed",
                    exchange.method(),
                    exchange.request().getHttpURI().getPath(),
                    e);
            error(
                    exchange,
                    500,
                    "Something went wrong",
                    "The server could not complete the request; the log has details.");
            return;
        }
        // Retry-After only: a Basic challenge on a page would make the browser ask for a password.
        String retryAfter = answer.headers().get(HttpHeader.RETRY_AFTER.asString());
        if (retryAfter != null) {
            exchange.response().getHeaders().put(HttpHeader.RETRY_AFTER, retryAfter);
        }
        String message = switch (answer.slug()) {
            case "busy" -> "Too many sign-ins are being checked right now. Try again in a moment.";
            default -> answer.problem().detail();
        };
        error(
                exchange,
                answer.status(),
                TITLES.getOrDefault(answer.slug(), answer.problem().title()),
                message);
    }

    private static void error(UiExchange exchange, int status, String title, String message) {
        exchange.html(
                status, "error.jte", Map.of("shell", exchange.shell(title, ""), "status", status, "message", message));
    }

    private static String webjarVersion(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (var in = UiHandler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("webjar " + artifact + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
