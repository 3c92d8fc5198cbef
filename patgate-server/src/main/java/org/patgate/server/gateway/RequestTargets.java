package org.patgate.server.gateway;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;

/**
 * The request-target checks an HTTP engine makes before PATgate decides anything, the same on every
 * data plane: Jetty's {@link UriCompliance#DEFAULT} refuses ambiguous targets (an empty segment
 * {@code //}, an encoded dot segment {@code %2e}, an encoded slash or backslash, {@code %25}, ...)
 * with {@code 400} before any handler runs; a data plane whose engine does not must call {@link
 * #violation} itself, so that a request refused on one plane is refused on the other. Stateless.
 */
public final class RequestTargets {

    private RequestTargets() {}

    /**
     * Why {@code target} (origin-form, e.g. {@code /rest/api?x=1}) is refused, or null when it is
     * acceptable.
     */
    public static String violation(String target) {
        HttpURI uri;
        try {
            uri = HttpURI.build(target);
        } catch (IllegalArgumentException e) {
            return "the request target is not a valid URI: " + e.getMessage();
        } catch (IndexOutOfBoundsException e) {
            // Jetty's parser indexes an ASCII table: a character beyond it (U+0080 and up) is no URI character.
            return "the request target holds a character that is not a URI character; percent-encode it";
        }
        if (!uri.hasViolations()) {
            return null;
        }
        return UriCompliance.checkUriCompliance(UriCompliance.DEFAULT, uri, null);
    }
}
