package org.patgate.core.decision;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The request methods the gateway forwards, spelled exactly as the upstream will see them. Methods
 * are case-sensitive (RFC 9110 §9.1), but upstream servers and HTTP client libraries are not
 * consistent about it (some upper-case {@code delete} on the way, some route it as {@code DELETE}),
 * so a request whose method is not one of these exact spellings is refused before any scope, rule
 * or allow/deny decision: the method that was decided on is always the method that is forwarded.
 *
 * <p>The set is the methods of RFC 9110 a REST API uses, plus the WebDAV methods of RFC 4918 that
 * Confluence serves. {@code CONNECT} (a tunnel, not a request), {@code TRACE} and {@code TRACK}
 * (they echo credentials back, cross-site tracing) and any other token are never forwarded.
 * Read-only tokens still pass only {@code GET}, {@code HEAD} and {@code OPTIONS} (see
 * {@link ReadOnlyPolicy}); the WebDAV methods, {@code PROPFIND} included, count as writes for them.
 * Stateless and thread-safe.
 */
public final class ForwardedMethods {

    /** RFC 9110 §9.3 and RFC 5789 ({@code PATCH}): what REST clients send. */
    public static final List<String> STANDARD = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE");

    /** RFC 4918: the WebDAV methods Confluence serves (its WebDAV plugin). */
    public static final List<String> WEBDAV =
            List.of("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK");

    /** Every method the gateway forwards, in the order of the {@code Allow} header. */
    public static final List<String> ALL =
            Stream.concat(STANDARD.stream(), WEBDAV.stream()).toList();

    /** The value of the {@code Allow} header sent with a {@code 405}. */
    public static final String ALLOW_HEADER = String.join(", ", ALL);

    /** WebDAV methods whose {@code Destination} header names a second path the upstream writes to. */
    public static final List<String> WITH_DESTINATION = List.of("COPY", "MOVE");

    private static final Decision.Deny INVALID = Decision.Deny.badRequest("invalid request method");
    private static final Decision.Deny WRONG_CASE = Decision.Deny.methodNotAllowed(
            "request methods are case-sensitive (RFC 9110 section 9.1): send the method in upper case");
    private static final Decision.Deny NOT_FORWARDED =
            Decision.Deny.methodNotAllowed("this request method is not forwarded; allowed: " + ALLOW_HEADER);

    private ForwardedMethods() {}

    /**
     * Whether {@code method}, exactly as received, may be forwarded.
     *
     * @return {@link Decision#ALLOW}; a {@code 400} for a method that is not an RFC 9110 token; a
     *         {@code 405} for any other spelling or method (send {@link #ALLOW_HEADER} with it)
     */
    public static Decision check(String method) {
        if (!MethodToken.isValid(method)) {
            return INVALID;
        }
        if (ALL.contains(method)) {
            return Decision.ALLOW;
        }
        return ALL.contains(method.toUpperCase(Locale.ROOT)) ? WRONG_CASE : NOT_FORWARDED;
    }

    /** Whether {@code method} is forwarded exactly as spelled. */
    public static boolean isForwarded(String method) {
        return method != null && ALL.contains(method);
    }
}
