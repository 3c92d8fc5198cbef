package org.patgate.server.gateway;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.decision.Decision;
import org.patgate.core.decision.ForwardedMethods;
import org.patgate.core.path.NormalizedPath;
import org.patgate.core.path.PathNormalizer;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.activity.TokenUseEvent;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.http.Problems;
import org.patgate.server.metrics.GatewayMetrics;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inline gateway's decisions, apart from any HTTP engine: what happens to a request given its
 * head (refuse how, or forward as whom, to which normalised path), what a form body may not hold,
 * which headers go upstream, which upstream answers are replaced, and the token use to record.
 * Every data plane (Jetty's {@link GatewayHandler}, the Netty forwarder) asks this one object, so
 * they decide alike. Any failure while deciding refuses the request (fail closed). Thread-safe.
 */
public final class GatewayGate {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayGate.class);

    private static final GatewayDecision.Refuse RESERVED_NOT_FOUND =
            new GatewayDecision.Refuse(404, "not-found", "Not Found", "nothing here", false, null);

    /**
     * A request's head as the client sent it.
     *
     * @param rawPath  the path of the request target, still percent-encoded, without the query
     * @param rawQuery the query, without {@code ?}, or null when there is none
     * @param peer     the socket peer (or the address a trusted PROXY protocol header gave)
     * @param secure   whether the client reached PATgate over TLS
     * @param protocol {@code HTTP/1.1}, {@code HTTP/2.0}, ...
     */
    public record RequestHead(
            String method,
            String rawPath,
            String rawQuery,
            HttpFields headers,
            SocketAddress peer,
            boolean secure,
            String protocol) {

        /** An HTTP/1.1 request. */
        public RequestHead(
                String method,
                String rawPath,
                String rawQuery,
                HttpFields headers,
                SocketAddress peer,
                boolean secure) {
            this(method, rawPath, rawQuery, headers, peer, secure, "HTTP/1.1");
        }
    }

    /**
     * The decision on one request head, with what forwarding needs.
     *
     * @param encodedPath   the normalised path to send upstream (null when refused before normalising)
     * @param decodedPath   the normalised path the rules were matched against
     * @param upstreamQuery the query as it goes upstream, or null
     * @param client        the client's address (null when refused before resolving it)
     * @param startNanos    {@link System#nanoTime()} when deciding began
     * @param arrived       when the request arrived: what activity files it under
     * @param usage         the token's standing against its rate limit after this request, or null
     *                      (no token, no limit, or not counted)
     */
    public record Verdict(
            GatewayDecision decision,
            RequestHead head,
            String encodedPath,
            String decodedPath,
            String upstreamQuery,
            InetAddress client,
            long startNanos,
            Instant arrived,
            Usage usage) {

        /** A verdict that counted no rate limit. */
        public Verdict(
                GatewayDecision decision,
                RequestHead head,
                String encodedPath,
                String decodedPath,
                String upstreamQuery,
                InetAddress client,
                long startNanos,
                Instant arrived) {
            this(decision, head, encodedPath, decodedPath, upstreamQuery, client, startNanos, arrived, null);
        }
    }

    /** The answer field naming when the token of an allowed request expires ({@code tokens.expiresHeader}). */
    public static final String TOKEN_EXPIRES_FIELD = AnswerFields.TOKEN_EXPIRES_FIELD;

    private final AccessDecider decider;
    private final CredentialExtractor credentials;
    private final ClientAddressResolver addresses;
    private final ActivityRecorder activity;
    private final Clock clock;
    private final NativeCredentialSwap nativeCredentials;
    private final UpstreamHeaders upstreamHeaders;
    private final Executor blocking;
    private final GatewayMetrics metrics;
    private final AnswerFields fields;

    /**
     * @param nativeCredentials swaps in the owner's native upstream token (identity mode
     *                          {@code upstream-token}), or null to forward the client's credential
     * @param blocking          runs decisions that read the store, off an event loop
     */
    public GatewayGate(
            AccessDecider decider,
            CredentialExtractor credentials,
            ClientAddressResolver addresses,
            ActivityRecorder activity,
            Clock clock,
            NativeCredentialSwap nativeCredentials,
            UpstreamHeaders upstreamHeaders,
            Executor blocking) {
        this(
                decider,
                credentials,
                addresses,
                activity,
                clock,
                nativeCredentials,
                upstreamHeaders,
                blocking,
                null,
                null,
                false);
    }

    /**
     * As above, with metrics, rate limits and the expiry answer field.
     *
     * @param metrics       counts every exchange's decision and duration, or null to count nothing
     * @param limiter       counts requests of tokens with a rate limit, or null to count none
     * @param expiresHeader whether forwarded answers to a request with an expiring token name its expiry
     */
    public GatewayGate(
            AccessDecider decider,
            CredentialExtractor credentials,
            ClientAddressResolver addresses,
            ActivityRecorder activity,
            Clock clock,
            NativeCredentialSwap nativeCredentials,
            UpstreamHeaders upstreamHeaders,
            Executor blocking,
            GatewayMetrics metrics,
            RateLimiter limiter,
            boolean expiresHeader) {
        this.metrics = metrics;
        this.fields = new AnswerFields(limiter, expiresHeader);
        this.decider = decider;
        this.credentials = credentials;
        this.addresses = addresses;
        this.activity = activity;
        this.clock = clock;
        this.nativeCredentials = nativeCredentials;
        this.upstreamHeaders = upstreamHeaders;
        this.blocking = blocking;
    }

    /** Runs {@link #decide} where blocking on the store is fine. */
    public Executor blockingExecutor() {
        return blocking;
    }

    /**
     * The decision, when it can be made from memory; null when it needs the store (a token not seen
     * lately, a native credential not cached): then call {@link #decide} on {@link #blockingExecutor()}.
     */
    public Verdict tryDecide(RequestHead head) {
        return decide(head, AccessDecider.Pass.FROM_MEMORY);
    }

    /** The decision; may read the store. */
    public Verdict decide(RequestHead head) {
        return decide(head, AccessDecider.Pass.NOW);
    }

    /**
     * Decides an allowed request again whose effect lasts (an open WebSocket), as if it arrived now:
     * null while it would still be let through, else the refusal it would get. Records and counts
     * nothing; may read the store.
     */
    public GatewayDecision.Refuse decideAgain(Verdict allowed) {
        return decide(allowed.head(), AccessDecider.Pass.AGAIN).decision() instanceof GatewayDecision.Refuse refuse
                ? refuse
                : null;
    }

    private Verdict decide(RequestHead head, AccessDecider.Pass pass) {
        long start = System.nanoTime();
        Instant arrived = clock.instant();
        String method = head.method();
        String encodedPath = null;
        String decodedPath = null;
        String upstreamQuery = null;
        InetAddress client = null;
        GatewayDecision decision;
        try {
            NormalizedPath path = PathNormalizer.normalize(head.rawPath());
            if (ForwardedMethods.check(method) instanceof Decision.Deny deny) {
                // Before anything else: every later decision, and the upstream, see this exact method.
                decision = deny.status() == 405
                        ? GatewayDecision.Refuse.methodNotAllowed(deny.reason())
                        : GatewayDecision.Refuse.badRequest(deny.reason());
            } else if (!UpstreamQuery.isForwardable(head.rawQuery())) {
                decision = GatewayDecision.Refuse.badRequest("the query string holds control characters or bytes "
                        + "that are not UTF-8; percent-encode them");
            } else if (!(path instanceof NormalizedPath.Ok ok)) {
                decision = GatewayDecision.Refuse.badRequest(
                        "refused request path: " + ((NormalizedPath.Refused) path).reason());
            } else if (ReservedPaths.isReserved(ok.decoded())) {
                // An encoded spelling of PATgate's own prefix is never passed upstream.
                decision = RESERVED_NOT_FOUND;
            } else {
                encodedPath = ok.encoded();
                decodedPath = ok.decoded();
                upstreamQuery = UpstreamQuery.forwarded(head.rawQuery());
                client = addresses.resolve(head.peer(), head.headers());
                AccessDecider.RequestFacts facts = new AccessDecider.RequestFacts(
                        method,
                        ok.decoded(),
                        client,
                        credentials.extract(head.rawPath(), head.headers(), head.rawQuery()),
                        RequestSignals.hasMethodOverride(head.headers(), head.rawQuery()),
                        RequestSignals.contentType(head.headers()),
                        head.rawQuery());
                decision = decider.decide(facts, pass);
                if (decision == null) {
                    return null; // the token is not in memory: decide again where the store may be read
                }
                if (decision instanceof GatewayDecision.Forward allowed
                        && allowed.token() != null
                        && WebSockets.isUpgrade(method, head.headers())) {
                    decision = WebSockets.decide(decider, facts, allowed);
                }
                if (decision instanceof GatewayDecision.Forward && ForwardedMethods.WITH_DESTINATION.contains(method)) {
                    decision = DestinationCheck.decide(decider, facts, head.headers(), decision);
                }
                if (nativeCredentials != null && decision instanceof GatewayDecision.Forward allowed) {
                    if (!pass.mayBlock() && !nativeCredentials.answersFromMemory(allowed)) {
                        return null;
                    }
                    // Last: only a request every PATgate check let through gets the owner's native credential.
                    decision = nativeCredentials.apply(allowed);
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
        Usage usage = fields.count(decision, pass);
        if (usage != null && !usage.allowed()) {
            decision = AnswerFields.refusal(usage, (GatewayDecision.Forward) decision);
        }
        if (metrics != null && pass != AccessDecider.Pass.AGAIN) {
            metrics.decided(System.nanoTime() - start);
        }
        return new Verdict(decision, head, encodedPath, decodedPath, upstreamQuery, client, start, arrived, usage);
    }

    /**
     * The fields this gate adds to any answer to the request, refusal or forwarded: the token's
     * {@code RateLimit-Policy} and {@code RateLimit} when it has a limit, and (forwarded answers, when
     * {@code tokens.expiresHeader} is on) {@code PATgate-Token-Expires} with its expiry in RFC 3339 UTC.
     */
    public void answerHeaders(Verdict verdict, BiConsumer<String, String> into) {
        fields.answerHeaders(verdict, into);
    }

    /** Whether {@link #answerHeaders} adds anything to answers to this request. */
    public boolean hasAnswerHeaders(Verdict verdict) {
        return fields.hasAnswerHeaders(verdict);
    }

    /** {@code plain}, the answer to {@code refuse}, with the rate-limit fields (and {@code Retry-After}). */
    RefusalAnswer.Answer withAnswerHeaders(Verdict verdict, GatewayDecision.Refuse refuse, RefusalAnswer.Answer plain) {
        return fields.withAnswerHeaders(verdict, refuse, plain);
    }

    /**
     * The answer to a refusal of this request: {@link #answer(GatewayDecision.Refuse, RequestHead)} with
     * the rate-limit fields, and {@code Retry-After} on a {@code 429}.
     */
    public RefusalAnswer.Answer answer(Verdict verdict, GatewayDecision.Refuse refuse) {
        return fields.withAnswerHeaders(verdict, refuse, answer(refuse, verdict.head()));
    }

    /**
     * Whether the body must be read whole (up to {@link #bodyInspectionLimit()}) and given to {@link
     * #inspectBody} before forwarding: a form where passwords are blocked, or where a token with rules
     * could smuggle a {@code _method} field.
     */
    public boolean inspectsBody(Verdict verdict) {
        return verdict.decision() instanceof GatewayDecision.Forward forward
                && FormPasswordGuard.isForm(verdict.head().headers())
                && (decider.inspectsFormBodies(verdict.decodedPath()) || overrideRefusedFor(forward) != null);
    }

    public int bodyInspectionLimit() {
        return FormPasswordGuard.LIMIT;
    }

    /**
     * Looks into a form body {@link #inspectsBody} asked for.
     *
     * @param body the whole body, or null when it was larger than {@link #bodyInspectionLimit()}
     * @return null to forward (the same bytes), else the refusal
     */
    public GatewayDecision.Refuse inspectBody(Verdict verdict, byte[] body) {
        GatewayDecision.Forward forward = (GatewayDecision.Forward) verdict.decision();
        return FormPasswordGuard.check(
                verdict.head().headers(),
                body,
                decider.inspectsFormBodies(verdict.decodedPath()) ? decider : null,
                overrideRefusedFor(forward));
    }

    /** A token with rules names the methods it may use: no {@code _method} form field lets it use another. */
    private static String overrideRefusedFor(GatewayDecision.Forward forward) {
        return forward.token() != null && !forward.token().rules().isEmpty() ? forward.tokenId() : null;
    }

    /** Every header of the upstream request but its framing ({@code Content-Length}, chunked). */
    public HttpFields upstreamHeaders(Verdict verdict) {
        return upstreamHeaders(verdict, false);
    }

    /**
     * As {@link #upstreamHeaders(Verdict)}; with {@code passUpgrade}, a WebSocket upgrade the gate let
     * through keeps {@code Upgrade: websocket} and {@code Connection: Upgrade} (for a data plane that
     * relays the connection once the upstream answers {@code 101}).
     */
    public HttpFields upstreamHeaders(Verdict verdict, boolean passUpgrade) {
        HttpFields.Mutable headers = HttpFields.build(verdict.head().headers().size() + 8);
        upstreamHeaders(verdict, passUpgrade, UpstreamHeaders.into(headers));
        return headers;
    }

    /**
     * As {@link #upstreamHeaders(Verdict, boolean)}, written into a data plane's own header type: no
     * intermediate header set.
     */
    public void upstreamHeaders(Verdict verdict, boolean passUpgrade, UpstreamHeaders.Sink into) {
        RequestHead head = verdict.head();
        upstreamHeaders.build(
                head.headers(),
                (GatewayDecision.Forward) verdict.decision(),
                verdict.client(),
                head.secure(),
                head.protocol(),
                into);
        if (passUpgrade && WebSockets.isUpgrade(head.method(), head.headers())) {
            into.put(HttpHeader.UPGRADE, "websocket");
            into.put(HttpHeader.CONNECTION, "Upgrade");
        }
    }

    /**
     * Whether {@link #refusesAnswer} may replace an upstream answer to this request (identity mode
     * {@code upstream-token} with the owner's native token sent): when not, a data plane need not look.
     */
    public boolean checksAnswer(Verdict verdict) {
        return nativeCredentials != null
                && verdict.decision() instanceof GatewayDecision.Forward forward
                && forward.upstreamBearer() != null;
    }

    /** Whether the request asks to become a WebSocket ({@code GET} with {@code Upgrade: websocket}). */
    public static boolean isWebSocketUpgrade(RequestHead head) {
        return WebSockets.isUpgrade(head.method(), head.headers());
    }

    /**
     * What to answer instead of the upstream's answer, or null to relay it: in identity mode
     * {@code upstream-token}, a product that refused the owner's native token (a 401, or an answer
     * naming the caller anonymous) marks the link broken and the client learns how to relink.
     */
    public GatewayDecision.Refuse refusesAnswer(Verdict verdict, int status, HttpFields answerHeaders) {
        if (nativeCredentials == null
                || !(verdict.decision() instanceof GatewayDecision.Forward forward)
                || forward.upstreamBearer() == null
                || !NativeRejectionListener.refusedNativeToken(status, answerHeaders)) {
            return null;
        }
        return nativeCredentials.rejectedUpstream(forward);
    }

    /** The answer to a refusal: problem+json, or plain text for git clients. */
    public static RefusalAnswer.Answer answer(GatewayDecision.Refuse refuse, RequestHead head) {
        return RefusalAnswer.of(refuse, head.rawPath(), head.headers());
    }

    /**
     * Counts the upstream's answer time in the metrics: a data plane calls it when the answer's head
     * arrives, {@code nanos} after it sent the request.
     */
    public void upstreamAnswered(long nanos) {
        if (metrics != null) {
            metrics.upstreamAnswered(nanos);
        }
    }

    /**
     * Counts the exchange in the metrics and for usage analytics, and records the use of its token (no
     * use for a request without one): once per exchange, when it ends.
     */
    public void record(Verdict verdict, int status) {
        long nanos = System.nanoTime() - verdict.startNanos();
        if (metrics != null) {
            // Every exchange, with a token or without: the metrics count all requests.
            if (verdict.decision() instanceof GatewayDecision.Refuse refuse) {
                metrics.refused(refuse.reason(), nanos);
            } else {
                metrics.forwarded(nanos);
            }
        }
        String tokenId = switch (verdict.decision()) {
            case GatewayDecision.Forward forward -> forward.tokenId();
            case GatewayDecision.Refuse refuse -> refuse.tokenId();
        };
        InetAddress client = verdict.client();
        // Usage analytics count every request, with a token or without (password scripts show by address).
        activity.countUsage(
                tokenId,
                client,
                verdict.decodedPath(),
                status,
                verdict.decision() instanceof GatewayDecision.Refuse refuse ? refuse.reason() : null,
                nanos / 1_000,
                verdict.arrived());
        if (tokenId == null) {
            return;
        }
        activity.record(new TokenUseEvent(
                tokenId,
                verdict.arrived(),
                verdict.head().method(),
                verdict.decodedPath(),
                status,
                nanos / 1_000,
                client == null ? null : client.getHostAddress(),
                verdict.head().headers().get(HttpHeader.USER_AGENT)));
    }
}
