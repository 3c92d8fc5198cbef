package org.patgate.server.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.net.IpRangeSet;

/**
 * PATgate as the external authorizer of a proxy in front of the upstream (nginx {@code auth_request},
 * Caddy {@code forward_auth}, Traefik ForwardAuth, Envoy {@code ext_authz}): the answer to one check
 * request, decided by the inline gateway's own {@link GatewayGate} on the {@link OriginalRequest}, so
 * the two modes decide alike (path normalisation, credentials, token checks, rules, limits, activity).
 *
 * <p>Only a caller inside {@code trustedProxies} is answered: it names the original method, URI and
 * client address, which anyone else could forge. Allowed: {@code 200}, no body, with the headers the
 * proxy copies to the upstream request ({@link #TOKEN_ID_HEADER}, the identity header, {@link
 * #UPSTREAM_AUTHORIZATION_HEADER}). Refused: the inline status and problem+json ({@code 401} with its
 * challenges). What the gate would read from a form body (password fields, {@code _method}) is out of
 * reach here, so such requests are refused, as are requests carrying another spelling of the identity
 * header (inline mode removes them; a proxy would pass them on). No answer carries the client's credential. Plain inputs and
 * a plain answer, so any data plane can call it. Thread-safe.
 */
public final class ExternalCheck {

    /** Where proxies send check requests (Envoy appends the original path). */
    public static final String PATH = "/.patgate/check";

    /** The id of the token that authenticated the request, for the proxy's logs; absent without a token. */
    public static final String TOKEN_ID_HEADER = "X-Patgate-Token-Id";

    /**
     * The {@code Authorization} value the upstream must receive instead of the client's (identity mode
     * {@code upstream-token}: the owner's native token); absent otherwise. The proxy removes the client's
     * {@code Authorization} whenever {@link #TOKEN_ID_HEADER} is present: a PATgate token never goes
     * upstream.
     */
    public static final String UPSTREAM_AUTHORIZATION_HEADER = "X-Patgate-Upstream-Authorization";

    static final String OFF = "the check endpoint is off: set trustedProxies to the addresses of the proxies "
            + "that call it (it believes the original request they describe)";

    static final String UNTRUSTED = "only a proxy in trustedProxies may call the check endpoint";

    static final String BODY_UNSEEN = "a form body here must be inspected (password fields, _method), and "
            + "an external authorizer never sees the body; send JSON, or put PATgate inline";

    /**
     * A check request as the proxy sent it.
     *
     * @param path    the check request's path, still percent-encoded ({@code /.patgate/check...})
     * @param query   the check request's query, or null
     * @param headers the check request's headers: the original request's, plus the dialect's
     * @param caller  the socket peer: the proxy
     * @param secure  whether the proxy reached PATgate over TLS
     */
    public record CheckRequest(
            String method, String path, String query, HttpFields headers, SocketAddress caller, boolean secure) {}

    /** An answer to write as is; {@code headers} hold no framing. */
    public record Answer(int status, HttpFields headers, byte[] body) {}

    private static final byte[] EMPTY = new byte[0];

    private final GatewayGate gate;
    private final IpRangeSet trustedProxies;
    private final String identityHeader;

    /**
     * @param identityHeader the header the upstream learns the caller from ({@code identity.header})
     */
    public ExternalCheck(GatewayGate gate, IpRangeSet trustedProxies, String identityHeader) {
        this.gate = gate;
        this.trustedProxies = trustedProxies;
        this.identityHeader = identityHeader;
    }

    /** The answer; may read the store (run it on {@link GatewayGate#blockingExecutor()} on an event loop). */
    public Answer check(CheckRequest request) {
        return check(request, true);
    }

    /** The answer when it can be given from memory, else null: then call {@link #check}. */
    public Answer tryCheck(CheckRequest request) {
        return check(request, false);
    }

    private Answer check(CheckRequest request, boolean mayBlock) {
        if (trustedProxies.isEmpty()) {
            return refusal(GatewayDecision.Refuse.forbidden(OFF, null), request);
        }
        InetAddress caller = request.caller() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (caller == null || !trustedProxies.allows(caller)) {
            return refusal(GatewayDecision.Refuse.forbidden(UNTRUSTED, null), request);
        }
        String respelled = identityRespelled(request.headers());
        if (respelled != null) {
            return refusal(
                    GatewayDecision.Refuse.badRequest("the request carries '" + respelled + "', another spelling of "
                            + identityHeader + " that the proxy may pass upstream as the identity"),
                    request);
        }
        OriginalRequest original;
        switch (OriginalRequest.read(
                request.method(), request.path(), request.query(), request.headers(), request.secure())) {
            case OriginalRequest.Read read -> original = read.request();
            case OriginalRequest.Unreadable unreadable -> {
                return refusal(GatewayDecision.Refuse.badRequest(unreadable.reason()), request);
            }
        }
        GatewayGate.RequestHead head = new GatewayGate.RequestHead(
                original.method(),
                original.rawPath(),
                original.rawQuery(),
                originalHeaders(request.headers(), original.host()),
                request.caller(),
                original.secure());
        GatewayGate.Verdict verdict = mayBlock ? gate.decide(head) : gate.tryDecide(head);
        if (verdict == null) {
            return null;
        }
        Answer answer;
        if (verdict.decision() instanceof GatewayDecision.Forward forward) {
            answer = gate.inspectsBody(verdict)
                    ? refusal(GatewayDecision.Refuse.forbidden(BODY_UNSEEN, forward.tokenId()), request, verdict)
                    : allowed(verdict, forward);
        } else {
            answer = refusal((GatewayDecision.Refuse) verdict.decision(), request, verdict);
        }
        gate.record(verdict, answer.status());
        return answer;
    }

    /**
     * A header the upstream may read as the identity header that is not spelled as it ({@code
     * X_Forwarded_User}, {@code X.Forwarded.User}): inline mode removes it, but a proxy copying the
     * identity header replaces only its own spelling, so such a request is refused. Null when none.
     */
    private String identityRespelled(HttpFields headers) {
        String key = HeaderNames.key(identityHeader);
        for (HttpField field : headers) {
            if (HeaderNames.hasKey(field.getName(), key) && !field.getName().equalsIgnoreCase(identityHeader)) {
                return field.getName();
            }
        }
        return null;
    }

    /** The original request's headers: the check's, without the dialect's and the check's framing. */
    private static HttpFields originalHeaders(HttpFields checkHeaders, String host) {
        HttpFields.Mutable headers = HttpFields.build(checkHeaders.size());
        for (HttpField field : checkHeaders) {
            HttpHeader known = field.getHeader();
            if (known == HttpHeader.HOST
                    || known == HttpHeader.CONTENT_LENGTH
                    || known == HttpHeader.TRANSFER_ENCODING
                    || HeaderNames.hasAnyKey(field.getName(), OriginalRequest.DIALECT_KEYS)) {
                continue;
            }
            headers.add(field);
        }
        if (host != null) {
            headers.put(HttpHeader.HOST, host);
        }
        return headers;
    }

    private Answer allowed(GatewayGate.Verdict verdict, GatewayDecision.Forward forward) {
        HttpFields.Mutable headers = HttpFields.build(4);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        if (forward.tokenId() == null) {
            return new Answer(200, headers, EMPTY);
        }
        headers.put(TOKEN_ID_HEADER, forward.tokenId());
        gate.answerHeaders(verdict, headers::put);
        // What inline mode would set on the upstream request: the identity header and, in identity mode
        // upstream-token, the owner's native credential; nothing the client sent.
        String identityKey = HeaderNames.key(identityHeader);
        gate.upstreamHeaders(verdict, false, new UpstreamHeaders.Sink() {
            @Override
            public void add(HttpField field) {}

            @Override
            public void put(String name, String value) {
                if (HeaderNames.hasKey(name, identityKey)) {
                    headers.put(identityHeader, value);
                } else if (forward.upstreamBearer() != null && HttpHeader.AUTHORIZATION.is(name)) {
                    headers.put(UPSTREAM_AUTHORIZATION_HEADER, value);
                }
            }
        });
        return new Answer(200, headers, EMPTY);
    }

    private static Answer refusal(GatewayDecision.Refuse refuse, CheckRequest request) {
        // The problem's instance is the check path: the original URI is the client's and is not echoed.
        RefusalAnswer.Answer answer = RefusalAnswer.of(refuse, PATH, request.headers());
        return new Answer(answer.status(), answer.headers(), answer.body());
    }

    private Answer refusal(GatewayDecision.Refuse refuse, CheckRequest request, GatewayGate.Verdict verdict) {
        // The problem's instance is the check path: the original URI is the client's and is not echoed.
        RefusalAnswer.Answer answer =
                gate.withAnswerHeaders(verdict, refuse, RefusalAnswer.of(refuse, PATH, request.headers()));
        return new Answer(answer.status(), answer.headers(), answer.body());
    }
}
