package org.patgate.server.gateway;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.core.decision.Decision;
import org.patgate.core.decision.ForwardedMethods;
import org.patgate.core.decision.ReadOnlyPolicy;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.activity.TokenUseEvent;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;
import org.patgate.server.http.Problems;
import org.patgate.server.http.UnusedBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication step in front of the upstream proxy: normalises the path, reads the
 * credentials, asks the {@link AccessDecider}, and either answers the refusal itself (nothing
 * reaches the upstream) or hands the request to the wrapped proxy with a {@link ForwardPlan}.
 * Any failure while deciding refuses the request (fail closed). Thread-safe.
 */
public final class GatewayHandler extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    /** The challenges of a {@code 401}, in this order: tokens are Bearer first, Basic password second. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"patgate\"";

    static final String BASIC_CHALLENGE = "Basic realm=\"patgate\"";

    private static final List<String> OVERRIDE_HEADER_KEYS =
            ReadOnlyPolicy.OVERRIDE_HEADERS.stream().map(HeaderNames::key).toList();

    private final AccessDecider decider;
    private final CredentialExtractor credentials;
    private final ClientAddressResolver addresses;
    private final ActivityRecorder activity;
    private final Clock clock;
    private final NativeCredentialSwap nativeCredentials;

    /**
     * @param nativeCredentials swaps in the owner's native upstream token (identity mode
     *                          {@code upstream-token}), or null to forward the client's credential
     */
    public GatewayHandler(
            AccessDecider decider,
            CredentialExtractor credentials,
            ClientAddressResolver addresses,
            ActivityRecorder activity,
            Clock clock,
            NativeCredentialSwap nativeCredentials,
            Handler upstream) {
        super(upstream);
        this.nativeCredentials = nativeCredentials;
        this.activity = activity;
        this.clock = clock;
        this.decider = decider;
        this.credentials = credentials;
        this.addresses = addresses;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        // When the request arrived: what activity and hourly counts file it under, however long it runs.
        Instant arrived = clock.instant();
        GatewayDecision decision;
        String method = request.getMethod();
        String encodedPath = null;
        String decodedPath = null;
        InetAddress client = null;
        try {
            HttpURI uri = request.getHttpURI();
            if (ForwardedMethods.check(method) instanceof Decision.Deny deny) {
                // Before anything else: every later decision, and the upstream, see this exact method.
                decision = deny.status() == 405
                        ? GatewayDecision.Refuse.methodNotAllowed(deny.reason())
                        : GatewayDecision.Refuse.badRequest(deny.reason());
            } else if (!UpstreamQuery.isForwardable(uri.getQuery())) {
                decision = GatewayDecision.Refuse.badRequest("the query string holds control characters or bytes "
                        + "that are not UTF-8; percent-encode them");
            } else {
                NormalizedPath path = PathNormalizer.normalize(uri.getPath());
                if (path instanceof NormalizedPath.Refused refused) {
                    decision = GatewayDecision.Refuse.badRequest("refused request path: " + refused.reason());
                } else if (ReservedPaths.isReserved(((NormalizedPath.Ok) path).decoded())) {
                    // An encoded spelling of PATgate's own prefix is never passed upstream.
                    decision = new GatewayDecision.Refuse(404, "not-found", "Not Found", "nothing here", false, null);
                } else {
                    NormalizedPath.Ok ok = (NormalizedPath.Ok) path;
                    encodedPath = ok.encoded();
                    decodedPath = ok.decoded();
                    client = addresses.resolve(
                            request.getConnectionMetaData().getRemoteSocketAddress(), request.getHeaders());
                    AccessDecider.RequestFacts facts = new AccessDecider.RequestFacts(
                            method,
                            ok.decoded(),
                            client,
                            credentials.extract(uri.getPath(), request.getHeaders(), uri.getQuery()),
                            hasMethodOverride(request.getHeaders(), uri.getQuery()),
                            contentType(request.getHeaders()),
                            uri.getQuery());
                    decision = decider.decide(facts);
                    if (decision instanceof GatewayDecision.Forward
                            && ForwardedMethods.WITH_DESTINATION.contains(method)) {
                        decision = DestinationCheck.decide(decider, facts, request.getHeaders(), decision);
                    }
                    if (nativeCredentials != null && decision instanceof GatewayDecision.Forward allowed) {
                        // Last: only a request every PATgate check let through gets the owner's native credential.
                        decision = nativeCredentials.apply(allowed);
                    }
                }
            }
        } catch (RuntimeException e) {
            Problems.Answer answer = Problems.answer(e);
            if (!answer.expected()) {
                LOG.error("refusing a request because deciding failed", e);
            }
            decision = new GatewayDecision.Refuse(
                    answer.status(),
                    answer.slug(),
                    answer.problem().title(),
                    answer.problem().detail(),
                    false,
                    null);
        }
        if (decision instanceof GatewayDecision.Refuse refuse) {
            refuse(request, response, callback, refuse);
            if (refuse.tokenId() != null) {
                record(request, refuse.tokenId(), decodedPath, client, refuse.status(), start, arrived);
            }
            return true;
        }
        GatewayDecision.Forward forward = (GatewayDecision.Forward) decision;
        if (FormPasswordGuard.isForm(request.getHeaders())) {
            // Password fields in a form body would log in past the password block, and a token with rules
            // names the methods it may use (a '_method' form field would let the upstream act on another):
            // look into the form before forwarding.
            boolean passwordsBlocked = decider.inspectsFormBodies(decodedPath);
            String overrideRefusedFor =
                    forward.token() != null && !forward.token().rules().isEmpty() ? forward.tokenId() : null;
            if (passwordsBlocked || overrideRefusedFor != null) {
                String path = decodedPath;
                String encoded = encodedPath;
                InetAddress from = client;
                FormPasswordGuard.Outcome outcome = new FormPasswordGuard.Outcome() {
                    @Override
                    public void forward(Request replayed) {
                        try {
                            GatewayHandler.this.forward(
                                    replayed, response, callback, forward, encoded, path, from, start, arrived);
                        } catch (Throwable failure) {
                            callback.failed(failure);
                        }
                    }

                    @Override
                    public void refuse(GatewayDecision.Refuse refusal) {
                        GatewayHandler.refuse(request, response, callback, refusal);
                    }
                };
                FormPasswordGuard.inspect(request, passwordsBlocked ? decider : null, overrideRefusedFor, outcome);
                return true;
            }
        }
        return forward(request, response, callback, forward, encodedPath, decodedPath, client, start, arrived);
    }

    private boolean forward(
            Request request,
            Response response,
            Callback callback,
            GatewayDecision.Forward forward,
            String encodedPath,
            String decodedPath,
            InetAddress client,
            long start,
            Instant arrived)
            throws Exception {
        request.setAttribute(
                ForwardPlan.ATTRIBUTE,
                new ForwardPlan(
                        forward,
                        request.getMethod(),
                        encodedPath,
                        UpstreamQuery.forwarded(request.getHttpURI().getQuery()),
                        client,
                        start));
        Callback completion = callback;
        if (forward.tokenId() != null) {
            String path = decodedPath;
            InetAddress from = client;
            completion = new Callback.Nested(callback) {
                @Override
                public void succeeded() {
                    record(request, forward.tokenId(), path, from, response.getStatus(), start, arrived);
                    super.succeeded();
                }

                @Override
                public void failed(Throwable failure) {
                    record(
                            request,
                            forward.tokenId(),
                            path,
                            from,
                            response.isCommitted() ? response.getStatus() : 502,
                            start,
                            arrived);
                    super.failed(failure);
                }
            };
        }
        return super.handle(request, response, completion);
    }

    private void record(
            Request request, String tokenId, String path, InetAddress client, int status, long start, Instant arrived) {
        activity.record(new TokenUseEvent(
                tokenId,
                arrived,
                request.getMethod(),
                path,
                status,
                (System.nanoTime() - start) / 1_000,
                client == null ? null : client.getHostAddress(),
                request.getHeaders().get(HttpHeader.USER_AGENT)));
    }

    private static void refuse(Request request, Response response, Callback callback, GatewayDecision.Refuse refuse) {
        // The body is never forwarded; it is discarded (bounded) so that neither an HTTP/2 stream reset
        // nor a closed HTTP/1.1 connection stands in for the 401/403, and resets do not add up to a
        // closed connection for every other request on it.
        UnusedBody.answer(request, callback, done -> answer(request, response, done, refuse));
    }

    static void answer(Request request, Response response, Callback callback, GatewayDecision.Refuse refuse) {
        response.setStatus(refuse.status());
        if (refuse.bearerChallenge()) {
            // RFC 6750 §3: the challenge tells clients which scheme to use. Basic beside it (RFC 9110
            // §11.6.1, one field per challenge) lets clients that wait for a challenge before sending
            // credentials (curl --anyauth, Python's HTTPBasicAuthHandler, Apache HttpClient, the JDK's
            // Authenticator) send the token as the Basic password.
            response.getHeaders().add(HttpHeader.WWW_AUTHENTICATE, BEARER_CHALLENGE);
            response.getHeaders().add(HttpHeader.WWW_AUTHENTICATE, BASIC_CHALLENGE);
        }
        if (refuse.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, ForwardedMethods.ALLOW_HEADER); // RFC 9110 §15.5.6
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (GitSmartHttp.wantsPlainText(decodedPath(request), request.getHeaders())) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, GitSmartHttp.plainText(refuse.detail()), callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        Problem problem = Problem.of(refuse.status(), refuse.slug(), refuse.title(), refuse.detail())
                .at(request.getHttpURI().getPath());
        response.write(true, ByteBuffer.wrap(Json.write(problem)), callback);
    }

    private static String decodedPath(Request request) {
        return PathNormalizer.normalize(request.getHttpURI().getPath()) instanceof NormalizedPath.Ok ok
                ? ok.decoded()
                : null;
    }

    /**
     * The {@code Content-Type} value when exactly one field carries it, in any spelling a lenient
     * upstream reads as {@code Content-Type}; otherwise null (none, or several to choose between).
     */
    static String contentType(HttpFields headers) {
        String value = null;
        for (org.eclipse.jetty.http.HttpField field : headers) {
            if (HeaderNames.hasKey(field.getName(), "content-type")) {
                if (value != null) {
                    return null;
                }
                value = field.getValue();
            }
        }
        return value;
    }

    /** Method-override headers or a {@code _method} parameter: a way to smuggle a write past read-only. */
    static boolean hasMethodOverride(HttpFields headers, String rawQuery) {
        for (org.eclipse.jetty.http.HttpField field : headers) {
            if (HeaderNames.hasAnyKey(field.getName(), OVERRIDE_HEADER_KEYS)) {
                return true;
            }
        }
        if (rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            String decoded = CredentialExtractor.decodeQuery(pair.split("=", 2)[0]);
            if (decoded == null || decoded.strip().equalsIgnoreCase("_method")) {
                return true;
            }
        }
        return false;
    }
}
