package org.patgate.server.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;

/**
 * WebDAV {@code COPY} and {@code MOVE} (RFC 4918 §9.8, §9.9) write to a second path, named in the
 * {@code Destination} header. That path is decided exactly like the request path (same method, same
 * credentials, scope, rules, REST rules), so a token allowed to write one folder cannot move a page
 * into, or over, another. The header must be sent once and be a normalised absolute path or URI:
 * anything the upstream could resolve differently from the gateway is refused. Stateless.
 */
final class DestinationCheck {

    private static final String HEADER_KEY = "destination";

    private DestinationCheck() {}

    /** The decision for the request once its destination is decided too; {@code decided} must be a forward. */
    static GatewayDecision decide(
            AccessDecider decider, AccessDecider.RequestFacts facts, HttpFields headers, GatewayDecision decided) {
        String destination = null;
        int count = 0;
        for (HttpField field : headers) {
            // Any spelling a lenient upstream maps to Destination counts (Destination_, DESTINATION, ...).
            if (HeaderNames.hasKey(field.getName(), HEADER_KEY)) {
                destination = field.getValue();
                count++;
            }
        }
        if (count != 1) {
            return GatewayDecision.Refuse.badRequest(facts.method() + " needs exactly one Destination header");
        }
        String rawPath = rawPath(destination.strip());
        if (rawPath == null) {
            return GatewayDecision.Refuse.badRequest("the Destination header is not an absolute path or URI");
        }
        if (!(PathNormalizer.normalize(rawPath) instanceof NormalizedPath.Ok ok)
                || !ok.encoded().equals(rawPath)
                || ReservedPaths.isReserved(ok.decoded())) {
            return GatewayDecision.Refuse.badRequest("the Destination path must be a normalised path (no dot segments, "
                    + "path parameters, encoded slashes or double slashes)");
        }
        GatewayDecision there = decider.decide(new AccessDecider.RequestFacts(
                facts.method(),
                ok.decoded(),
                facts.client(),
                facts.credentials(),
                facts.methodOverride(),
                facts.contentType()));
        return there instanceof GatewayDecision.Refuse ? there : decided;
    }

    private static String rawPath(String destination) {
        try {
            URI uri = new URI(destination);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.isOpaque()) {
                return null;
            }
            if (uri.isAbsolute()
                    && !"http".equalsIgnoreCase(uri.getScheme())
                    && !"https".equalsIgnoreCase(uri.getScheme())) {
                return null;
            }
            if (!uri.isAbsolute() && uri.getRawAuthority() != null) {
                return null; // network-path reference "//host/x"
            }
            String path = uri.getRawPath();
            return path == null || !path.startsWith("/") ? null : path;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
