package org.patgate.server.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.core.token.Scope;

/**
 * Forwards an allowed request to the upstream, streaming both bodies over pooled keep-alive
 * connections (Jetty's {@link ProxyHandler} does the streaming and the RFC 9110 hop-by-hop rules).
 * On the way it sends the <em>normalised</em> path that was checked, removes every client-sent
 * copy of the identity header (any case, '_' or '.' variants), X-Original-URL, X-Rewrite-URL and a
 * PATgate token, and for a read-only token every spelling of {@code X-Atlassian-Token} (see
 * {@link #XSRF_OPT_OUT}), sets the identity of the token owner, and rewrites the X-Forwarded-* and
 * Forwarded headers from what PATgate itself knows. Thread-safe.
 */
public final class UpstreamProxy extends ProxyHandler {

    private static final List<String> ALWAYS_REMOVED = List.of(
            "x-original-url",
            "x-rewrite-url",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-server",
            "x-real-ip",
            "forwarded");

    /**
     * Jira and Confluence skip their XSRF check for a request with {@code X-Atlassian-Token: no-check}.
     * Removed from requests made with a read-only token, so that such a token can never switch off the
     * product's protection of a state-changing web action; kept for read-write tokens, whose REST
     * clients need it (attachments are multipart uploads).
     */
    static final String XSRF_OPT_OUT = "x-atlassian-token";

    private final String upstreamScheme;
    private final String upstreamHost;
    private final int upstreamPort;
    private final String upstreamPathPrefix;
    private final String identityHeader;
    private final String identityKey;
    private final Function<GatewayDecision.Forward, String> identityValue;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxConnections;
    private final NativeCredentialSwap nativeCredentials;

    /**
     * @param identityHeader the identity header: client-sent copies are always removed
     * @param identityValue  its value for a request made with a token (the username, or a signed JWT),
     *                       or null to send none (identity mode {@code none})
     * @param maxConnections pooled connections to the upstream ({@code limits.upstreamConnections});
     *                       {@link ExchangeAdmission} lets no more exchanges through
     * @param nativeCredentials marks a link broken when the product answers 401 to a swapped-in native
     *                          token (identity mode {@code upstream-token}), or null
     */
    public UpstreamProxy(
            URI upstream,
            String identityHeader,
            Function<GatewayDecision.Forward, String> identityValue,
            Duration connectTimeout,
            Duration readTimeout,
            int maxConnections,
            NativeCredentialSwap nativeCredentials) {
        this.maxConnections = maxConnections;
        this.nativeCredentials = nativeCredentials;
        this.identityValue = identityValue;
        this.upstreamScheme = upstream.getScheme();
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort() > 0 ? upstream.getPort() : ("https".equals(upstreamScheme) ? 443 : 80);
        String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        this.upstreamPathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.identityHeader = identityHeader;
        this.identityKey = HeaderNames.key(identityHeader);
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        setViaHost("patgate"); // not the machine's host name
    }

    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        // The server's threads also run the upstream side: no hand-off between two pools per request.
        connector.setExecutor(getServer().getThreadPool());
        connector.setSelectors(1);
        connector.setConnectTimeout(connectTimeout);
        // HTTP/1.1 to the upstream: no per-request protocol negotiation.
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setUserAgentField(null); // forward the client's User-Agent, add none of our own
        return client;
    }

    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        ForwardPlan plan = plan(clientToProxyRequest);
        return HttpURI.build()
                .scheme(upstreamScheme)
                .host(upstreamHost)
                .port(upstreamPort)
                .path(upstreamPathPrefix + plan.encodedPath())
                .query(plan.query());
    }

    /**
     * The request to the upstream, with the decided method and the client's raw query. Not through
     * {@code java.net.URI} as {@link ProxyHandler} does: it refuses characters real clients send in
     * queries ({@code |}, {@code "}, braces in JQL) and the request failed with a 500. Jetty's client
     * keeps a target it cannot parse as a URI verbatim.
     */
    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(
            Request clientToProxyRequest, HttpURI newHttpURI) {
        ForwardPlan plan = plan(clientToProxyRequest);
        org.eclipse.jetty.client.Request request = getHttpClient()
                .newRequest(upstreamHost, upstreamPort)
                .scheme(upstreamScheme)
                .path(newHttpURI.getPathQuery())
                .method(plan.method())
                .idleTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!request.getMethod().equals(plan.method())) {
            // Fail closed: the upstream must act on the method that was decided, spelled the same.
            throw new IllegalStateException("the upstream request's method differs from the decided one");
        }
        return request;
    }

    @Override
    protected void copyRequestHeaders(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        super.copyRequestHeaders(clientToProxyRequest, proxyToServerRequest);
        GatewayDecision.Forward decision = plan(clientToProxyRequest).decision();
        proxyToServerRequest.headers(headers -> {
            stripSpoofable(headers, decision.removeAuthorization());
            if (identityValue != null && decision.identity() != null) {
                headers.put(identityHeader, identityValue.apply(decision));
            }
            if (decision.upstreamBearer() != null) {
                // The product acts as the token owner, and only as them: no session of whoever holds the token.
                headers.put(HttpHeader.AUTHORIZATION, "Bearer " + decision.upstreamBearer());
                headers.remove(HttpHeader.COOKIE);
            }
        });
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse,
            Callback proxyToClientCallback) {
        org.eclipse.jetty.client.Response.CompleteListener relay = super.newServerToProxyResponseListener(
                clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
        GatewayDecision.Forward decision = plan(clientToProxyRequest).decision();
        if (nativeCredentials == null || decision.upstreamBearer() == null) {
            return relay;
        }
        return new NativeRejectionListener(
                (org.eclipse.jetty.client.Response.Listener) relay,
                () -> GatewayHandler.answer(
                        clientToProxyRequest,
                        proxyToClientResponse,
                        proxyToClientCallback,
                        nativeCredentials.rejectedUpstream(decision)));
    }

    private void stripSpoofable(HttpFields.Mutable headers, boolean removeAuthorization) {
        for (ListIterator<HttpField> it = headers.listIterator(); it.hasNext(); ) {
            HttpField field = it.next();
            String name = field.getName();
            if (HeaderNames.hasKey(name, identityKey)
                    || HeaderNames.hasAnyKey(name, ALWAYS_REMOVED)
                    || (removeAuthorization && field.getHeader() == HttpHeader.AUTHORIZATION)) {
                it.remove();
            }
        }
    }

    @Override
    protected void addProxyHeaders(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        ForwardPlan plan = plan(clientToProxyRequest);
        // ProxyHandler calls this after copyRequestHeaders, so the client's headers are all in place.
        removeXsrfOptOut(plan.decision(), proxyToServerRequest);
        String client = plan.client().getHostAddress();
        String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
        String proto = clientToProxyRequest.isSecure() ? "https" : "http";
        addViaHeader(clientToProxyRequest, proxyToServerRequest);
        proxyToServerRequest.headers(headers -> {
            headers.put(HttpHeader.X_FORWARDED_FOR, client);
            headers.put(HttpHeader.X_FORWARDED_PROTO, proto);
            if (host != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, host);
            }
            // RFC 7239: IPv6 addresses are quoted and bracketed.
            String forNode = client.contains(":") ? "\"[" + client + "]\"" : client;
            headers.put(
                    HttpHeader.FORWARDED,
                    "for=" + forNode + ";proto=" + proto
                            + (host == null ? "" : ";host=" + HttpField.PARAMETER_TOKENIZER.quote(host)));
        });
    }

    /** Every client-sent spelling of {@link #XSRF_OPT_OUT}, for a request made with a read-only token. */
    private static void removeXsrfOptOut(
            GatewayDecision.Forward decision, org.eclipse.jetty.client.Request proxyToServerRequest) {
        if (decision.token() == null || decision.token().scope() != Scope.READ_ONLY) {
            return;
        }
        proxyToServerRequest.headers(headers -> {
            for (ListIterator<HttpField> it = headers.listIterator(); it.hasNext(); ) {
                if (HeaderNames.hasKey(it.next().getName(), XSRF_OPT_OUT)) {
                    it.remove();
                }
            }
        });
    }

    @Override
    protected void onServerToProxyResponseFailure(
            Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse,
            Response proxyToClientResponse,
            Callback proxyToClientCallback,
            Throwable failure) {
        SlowRequestBodyException slow = SlowRequestBodyException.find(failure);
        if (slow == null || proxyToClientResponse.isCommitted()) {
            super.onServerToProxyResponseFailure(
                    clientToProxyRequest,
                    proxyToServerRequest,
                    serverToProxyResponse,
                    proxyToClientResponse,
                    proxyToClientCallback,
                    failure);
            return;
        }
        // The client's body was too slow, not the upstream: 408, not 502.
        Response.writeError(
                clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, slow.getCode(), slow.getMessage());
    }

    private static ForwardPlan plan(Request request) {
        Object plan = request.getAttribute(ForwardPlan.ATTRIBUTE);
        if (!(plan instanceof ForwardPlan forwardPlan)) {
            // Fail closed: only requests the gateway decided on may be forwarded.
            throw new IllegalStateException("request reached the upstream proxy without a gateway decision");
        }
        return forwardPlan;
    }
}
