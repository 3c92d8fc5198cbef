package org.patgate.server.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.http.Exchange;
import org.patgate.server.http.Problem;

/**
 * Refuses state-changing management API calls that a browser could send from another site with
 * credentials it attaches on its own: Basic credentials it has cached, the UI session cookie.
 * Checked before authentication, on every method but GET, HEAD and OPTIONS:
 *
 * <ol>
 *   <li>{@code Sec-Fetch-Site}, when sent, must be {@code same-origin} (Fetch Metadata; strict: not
 *       {@code same-site}, since another application on a sibling host is another site's code).</li>
 *   <li>{@code Origin}, when sent, must name this server: its host and port equal the request's
 *       {@code Host} (the port defaulting by the origin's scheme). {@code null} and anything
 *       unparsable are refused.</li>
 *   <li>{@code Content-Type}, when sent, must be {@code application/json}: the types a cross-site
 *       form or {@code fetch} may send without a CORS preflight (form-urlencoded, multipart,
 *       text/plain) never are. 415 otherwise.</li>
 *   <li>A call that shows it comes from a browser ({@code Origin} or any {@code Sec-Fetch-*}
 *       header) must carry {@code Content-Type: application/json} or the {@value UiSessions#CSRF_HEADER}
 *       header, even when its body is empty: both force a preflight, which PATgate never grants.</li>
 * </ol>
 *
 * <p>A script ({@code curl -X DELETE -u …}) sends neither {@code Origin} nor Fetch Metadata and
 * passes with an empty body and no content type. Every browser that can run a cross-site page
 * sends {@code Origin} on every cross-origin request that is not GET or HEAD (Fetch standard),
 * and DELETE, PUT and PATCH are never sent cross-origin without a preflight. Stateless and thread-safe.
 */
final class CrossSiteGuard {

    private CrossSiteGuard() {}

    /** Why the call is refused, or null when it may go on to authentication. */
    static Problem refusal(Request request) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return null;
        }
        List<String> fetchSite = request.getHeaders().getValuesList("Sec-Fetch-Site");
        if (fetchSite.size() > 1
                || (fetchSite.size() == 1 && !fetchSite.getFirst().strip().equalsIgnoreCase("same-origin"))) {
            return crossSite("the browser says this request comes from another site (Sec-Fetch-Site)");
        }
        List<String> origins = request.getHeaders().getValuesList(HttpHeader.ORIGIN);
        if (origins.size() > 1 || (origins.size() == 1 && !isSameOrigin(origins.getFirst(), request))) {
            return crossSite("the request's Origin is not this server");
        }
        List<String> contentTypes = request.getHeaders().getValuesList(HttpHeader.CONTENT_TYPE);
        boolean json = contentTypes.size() == 1 && Exchange.isJson(contentTypes.getFirst());
        if (!contentTypes.isEmpty() && !json) {
            return Problem.of(
                    415,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    "state-changing API calls take Content-Type: application/json (or no body and no content type)");
        }
        if (!json && fromBrowser(request) && !request.getHeaders().contains(UiSessions.CSRF_HEADER)) {
            return crossSite("a browser's state-changing call needs Content-Type: application/json or the "
                    + UiSessions.CSRF_HEADER + " header, also with an empty body");
        }
        return null;
    }

    private static Problem crossSite(String why) {
        return Problem.of(
                403,
                "cross-site-request",
                "Forbidden",
                why
                        + "; state-changing management API calls are accepted from this server's own pages and from scripts");
    }

    private static boolean fromBrowser(Request request) {
        if (request.getHeaders().contains(HttpHeader.ORIGIN)) {
            return true;
        }
        for (HttpField field : request.getHeaders()) {
            if (field.getName().regionMatches(true, 0, "Sec-Fetch-", 0, 10)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6454: scheme "://" host [":" port], nothing more; compared with the request's Host by host and port. */
    static boolean isSameOrigin(String origin, Request request) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String host = request.getHttpURI().getHost();
        int port = request.getHttpURI().getPort() < 0
                ? defaultPort
                : request.getHttpURI().getPort();
        return host != null && stripBrackets(host).equalsIgnoreCase(stripBrackets(uri.getHost())) && port == originPort;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
