package org.patgate.server.gateway;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.decision.ForwardedMethods;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;

/**
 * What the client gets for a refused request, on any data plane: the status, a {@code 401}'s
 * challenges, {@code Allow} for a {@code 405}, {@code Cache-Control: no-store}, and a problem+json
 * body (plain text for git clients, which show it to their user). Stateless.
 */
public final class RefusalAnswer {

    /** The challenges of a {@code 401}, in this order: tokens are Bearer first, Basic password second. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"patgate\"";

    static final String BASIC_CHALLENGE = "Basic realm=\"patgate\"";

    /** An answer to write as is; {@code headers} hold no framing ({@code Content-Length}). */
    public record Answer(int status, HttpFields headers, byte[] body) {}

    private RefusalAnswer() {}

    /**
     * @param rawPath        the request's path as sent (the problem's {@code instance})
     * @param requestHeaders the request's headers (git clients are told apart by them)
     */
    public static Answer of(GatewayDecision.Refuse refuse, String rawPath, HttpFields requestHeaders) {
        HttpFields.Mutable headers = HttpFields.build(5);
        if (refuse.bearerChallenge()) {
            // RFC 6750 §3: the challenge tells clients which scheme to use. Basic beside it (RFC 9110
            // §11.6.1, one field per challenge) lets clients that wait for a challenge before sending
            // credentials (curl --anyauth, Python's HTTPBasicAuthHandler, Apache HttpClient, the JDK's
            // Authenticator) send the token as the Basic password.
            headers.add(HttpHeader.WWW_AUTHENTICATE, BEARER_CHALLENGE);
            headers.add(HttpHeader.WWW_AUTHENTICATE, BASIC_CHALLENGE);
        }
        if (refuse.status() == 405) {
            headers.put(HttpHeader.ALLOW, ForwardedMethods.ALLOW_HEADER); // RFC 9110 §15.5.6
        }
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        String decodedPath = PathNormalizer.normalize(rawPath) instanceof NormalizedPath.Ok ok ? ok.decoded() : null;
        if (GitSmartHttp.wantsPlainText(decodedPath, requestHeaders)) {
            headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            return new Answer(refuse.status(), headers, GitSmartHttp.plainText(refuse.detail()));
        }
        headers.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        Problem problem = Problem.of(refuse.status(), refuse.slug(), refuse.title(), refuse.detail())
                .at(rawPath);
        return new Answer(refuse.status(), headers, Json.write(problem));
    }
}
