package org.patgate.server.ui.internal;

import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.patgate.server.auth.UiSessions;

/**
 * The ready-to-run {@code curl} shown with a new secret: this server as the browser reached it, and
 * a path under the gateway's first protected path. Thread-safe.
 */
public final class CurlExample {

    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    private final UiSessions sessions;
    private final List<String> restPaths;

    /** @param restPaths the gateway's protected paths ({@code rest.paths}) */
    public CurlExample(UiSessions sessions, List<String> restPaths) {
        this.sessions = sessions;
        this.restPaths = List.copyOf(restPaths);
    }

    /** The command calling this server with {@code secret}. */
    String command(Request request, String secret) {
        return "curl -H \"Authorization: Bearer " + secret + "\" " + origin(request) + examplePath();
    }

    /** Where the browser reached us, for the example: the Host it sent when that is a plain host name. */
    private String origin(Request request) {
        String scheme = sessions.isSecure(request) ? "https" : "http";
        String host = request.getHeaders().get("Host");
        if (host == null || !HOST.matcher(host).matches()) {
            host = Request.getServerName(request) + ":" + Request.getServerPort(request);
        }
        return scheme + "://" + host;
    }

    private String examplePath() {
        String first = restPaths.isEmpty() ? "/rest/**" : restPaths.getFirst();
        String prefix = first.replaceAll("\\*+$", "");
        return prefix.equals("/rest/") ? "/rest/api/2/myself" : prefix;
    }
}
