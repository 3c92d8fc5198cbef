package org.patgate.server.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards an allowed request to the upstream, streaming both bodies over pooled keep-alive
 * connections (Jetty's {@link ProxyHandler} does the streaming). It sends the <em>normalised</em>
 * path that was checked, with the headers {@link UpstreamHeaders} builds (the same on every data
 * plane). Thread-safe.
 */
public final class UpstreamProxy extends ProxyHandler {

    private final String upstreamScheme;
    private final String upstreamHost;
    private final int upstreamPort;
    private final String upstreamPathPrefix;
    private final UpstreamHeaders headers;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxConnections;
    private final NativeCredentialSwap nativeCredentials;
    private final GatewayGate gate;

    /**
     * @param headers        what the upstream request carries
     * @param maxConnections pooled connections to the upstream ({@code limits.upstreamConnections});
     *                       {@link ExchangeAdmission} lets no more exchanges through
     * @param nativeCredentials marks a link broken when the product answers 401 to a swapped-in native
     *                          token (identity mode {@code upstream-token}), or null
     */
    public UpstreamProxy(
            URI upstream,
            UpstreamHeaders headers,
            Duration connectTimeout,
            Duration readTimeout,
            int maxConnections,
            NativeCredentialSwap nativeCredentials) {
        this(upstream, headers, connectTimeout, readTimeout, maxConnections, nativeCredentials, null);
    }

    /** @param gate told how long the upstream takes to answer (its metrics), or null */
    public UpstreamProxy(
            URI upstream,
            UpstreamHeaders headers,
            Duration connectTimeout,
            Duration readTimeout,
            int maxConnections,
            NativeCredentialSwap nativeCredentials,
            GatewayGate gate) {
        this.gate = gate;
        this.maxConnections = maxConnections;
        this.nativeCredentials = nativeCredentials;
        this.headers = headers;
        this.upstreamScheme = upstream.getScheme();
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort() > 0 ? upstream.getPort() : ("https".equals(upstreamScheme) ? 443 : 80);
        String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        this.upstreamPathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
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
        // Forward the client's Content-Type or none: never invent one for a body sent without it.
        client.setDefaultRequestContentType(null);
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

    /** The client's body as it came, without a content type of its own (see {@link #newHttpClient}). */
    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request clientToProxyRequest,
            Response proxyToClientResponse,
            org.eclipse.jetty.client.Request proxyToServerRequest) {
        return new ProxyRequestContent(clientToProxyRequest) {
            @Override
            public String getContentType() {
                return null;
            }
        };
    }

    @Override
    protected void copyRequestHeaders(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        ForwardPlan plan = plan(clientToProxyRequest);
        HttpFields.Mutable upstream = headers.build(
                clientToProxyRequest.getHeaders(),
                plan.decision(),
                plan.client(),
                clientToProxyRequest.isSecure(),
                clientToProxyRequest.getConnectionMetaData().getProtocol());
        proxyToServerRequest.headers(sent -> {
            sent.clear();
            sent.add(upstream);
        });
    }

    /** {@link UpstreamHeaders} has set them all in {@link #copyRequestHeaders}. */
    @Override
    protected void addProxyHeaders(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {}

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse,
            Callback proxyToClientCallback) {
        org.eclipse.jetty.client.Response.CompleteListener relay = super.newServerToProxyResponseListener(
                clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
        if (gate != null) {
            long[] sent = {System.nanoTime()};
            proxyToServerRequest.onRequestBegin(request -> sent[0] = System.nanoTime());
            proxyToServerRequest.onResponseBegin(response -> gate.upstreamAnswered(System.nanoTime() - sent[0]));
        }
        GatewayDecision.Forward decision = plan(clientToProxyRequest).decision();
        if (nativeCredentials == null || decision.upstreamBearer() == null) {
            return relay;
        }
        return new NativeRejectionListener(
                (org.eclipse.jetty.client.Response.Listener) relay,
                () -> GatewayHandler.answer(
                        proxyToClientResponse,
                        proxyToClientCallback,
                        RefusalAnswer.of(
                                nativeCredentials.rejectedUpstream(decision),
                                clientToProxyRequest.getHttpURI().getPath(),
                                clientToProxyRequest.getHeaders())));
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
