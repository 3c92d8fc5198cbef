package org.patgate.server.gateway;

import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The request a proxy asks {@code /.patgate/check} about, read from the check request in the proxy's
 * dialect:
 * <ul>
 *   <li>nginx {@code auth_request}: {@code X-Original-Method}, {@code X-Original-URI} (and optionally
 *       {@code X-Original-Host});</li>
 *   <li>Caddy {@code forward_auth} and Traefik ForwardAuth: {@code X-Forwarded-Method}, {@code
 *       X-Forwarded-Uri}, {@code X-Forwarded-Host}, {@code X-Forwarded-Proto};</li>
 *   <li>Envoy {@code ext_authz} (HTTP service, path-prefix mode): the original path after {@code
 *       /.patgate/check}, the original query as the check's query, the original method as the check's
 *       method.</li>
 * </ul>
 * A missing, repeated or contradictory header (two dialects at once: a client may have sent one of
 * them through the proxy) is unreadable, never guessed. The original target must be in origin form
 * ({@code /path?query}), printable ASCII, and pass the same {@link RequestTargets} checks an inline
 * request passes before PATgate decides. The host and scheme are informational: no decision depends on
 * them. Stateless.
 *
 * @param rawPath  the original path, still percent-encoded
 * @param rawQuery the original query without {@code ?}, or null
 * @param host     the original {@code Host}, or null when the proxy did not say
 * @param secure   whether the client reached the proxy over TLS, as far as the proxy said
 */
public record OriginalRequest(String method, String rawPath, String rawQuery, String host, boolean secure) {

    /** The headers of the nginx dialect. */
    static final String NGINX_METHOD = "X-Original-Method";

    static final String NGINX_URI = "X-Original-URI";
    static final String NGINX_HOST = "X-Original-Host";

    /** The headers of the Caddy and Traefik dialect. */
    static final String FORWARDED_METHOD = "X-Forwarded-Method";

    static final String FORWARDED_URI = "X-Forwarded-Uri";

    /** Headers that describe the original request: never part of its own headers. */
    static final List<String> DIALECT_KEYS = List.of(
            "x-original-method",
            "x-original-uri",
            "x-original-host",
            "x-forwarded-method",
            "x-forwarded-uri",
            "x-forwarded-host",
            "x-forwarded-proto");

    /** What reading the check request gave: the original request, or why there is none. */
    public sealed interface Reading {}

    public record Read(OriginalRequest request) implements Reading {}

    public record Unreadable(String reason) implements Reading {}

    /**
     * @param checkMethod  the check request's method
     * @param checkPath    the check request's path, still percent-encoded ({@code /.patgate/check...})
     * @param checkQuery   the check request's query, or null
     * @param checkHeaders the check request's headers
     * @param checkSecure  whether the proxy reached PATgate over TLS
     */
    public static Reading read(
            String checkMethod, String checkPath, String checkQuery, HttpFields checkHeaders, boolean checkSecure) {
        String nginxUri = single(checkHeaders, NGINX_URI);
        String nginxMethod = single(checkHeaders, NGINX_METHOD);
        String forwardedUri = single(checkHeaders, FORWARDED_URI);
        String forwardedMethod = single(checkHeaders, FORWARDED_METHOD);
        if (nginxUri == REPEATED
                || nginxMethod == REPEATED
                || forwardedUri == REPEATED
                || forwardedMethod == REPEATED) {
            return new Unreadable("a header naming the original request is repeated; send each once");
        }
        boolean nginx = nginxUri != null || nginxMethod != null;
        boolean forwarded = forwardedUri != null || forwardedMethod != null;
        boolean prefix = checkPath.length() > ExternalCheck.PATH.length();
        if ((nginx && forwarded) || (prefix && (nginx || forwarded))) {
            return new Unreadable("the check request names the original request in more than one way ("
                    + (prefix ? "a path after " + ExternalCheck.PATH + ", " : "")
                    + (nginx ? NGINX_METHOD + "/" + NGINX_URI + ", " : "")
                    + (forwarded ? FORWARDED_METHOD + "/" + FORWARDED_URI + ", " : "")
                    + "pick one)");
        }
        String proto = single(checkHeaders, "X-Forwarded-Proto");
        boolean secure = checkSecure || (proto != null && proto != REPEATED && proto.equalsIgnoreCase("https"));
        if (prefix) {
            // Envoy: the original path follows the prefix, the original query is the check's query.
            String path = checkPath.substring(ExternalCheck.PATH.length());
            return target(
                    checkMethod, checkQuery == null ? path : path + "?" + checkQuery, host(checkHeaders, null), secure);
        }
        if (nginx) {
            return target(nginxMethod, nginxUri, host(checkHeaders, NGINX_HOST), secure);
        }
        if (forwarded) {
            return target(forwardedMethod, forwardedUri, host(checkHeaders, "X-Forwarded-Host"), secure);
        }
        return new Unreadable("the check request does not name the original request: send " + NGINX_METHOD
                + " and " + NGINX_URI + " (nginx), " + FORWARDED_METHOD + " and " + FORWARDED_URI
                + " (Caddy, Traefik), or append the original path to " + ExternalCheck.PATH + " (Envoy)");
    }

    private static Reading target(String method, String target, String host, boolean secure) {
        if (method == null || method.isEmpty()) {
            return new Unreadable("the original method is missing");
        }
        if (target == null || target.isEmpty()) {
            return new Unreadable("the original URI is missing");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // RFC 9112 §3.2: a request target is printable ASCII; a fragment is never sent.
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return new Unreadable("the original URI holds a character no request target may hold");
            }
        }
        if (target.charAt(0) != '/' || target.startsWith("//")) {
            // "//host/path" would parse as a network-path reference: which part is the path is ambiguous.
            return new Unreadable("the original URI must be in origin form (/path?query), not start with //");
        }
        String violation = RequestTargets.violation(target);
        if (violation != null) {
            return new Unreadable("refused original URI: " + violation);
        }
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String rawQuery = question < 0 ? null : target.substring(question + 1);
        return new Read(new OriginalRequest(method, rawPath, rawQuery, host, secure));
    }

    private static String host(HttpFields headers, String name) {
        String host = name == null ? null : single(headers, name);
        if (host == null || host == REPEATED) {
            host = single(headers, HttpHeader.HOST.asString());
        }
        return host == REPEATED ? null : host;
    }

    /** Marks a header sent more than once (compared by identity). */
    private static final String REPEATED = new String("repeated");

    /** The value of the one field named {@code name} (in any spelling), null when none, {@link #REPEATED}. */
    private static String single(HttpFields headers, String name) {
        String key = HeaderNames.key(name);
        String value = null;
        for (HttpField field : headers) {
            if (HeaderNames.hasKey(field.getName(), key)) {
                if (value != null) {
                    return REPEATED;
                }
                value = field.getValue();
            }
        }
        return value;
    }
}
