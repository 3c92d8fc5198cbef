package org.patgate.server.metrics;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.config.MetricsConfig;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;
import org.patgate.server.metrics.internal.MetricsAccess;

/**
 * {@code GET /.patgate/metrics}: every meter of the node in Prometheus text 0.0.4, or in OpenMetrics
 * 1.0 when {@code Accept} asks for {@code application/openmetrics-text}. Callers that {@code
 * metrics.*} does not allow get 403 problem+json saying what to set; with {@code metrics.enabled:
 * false} the path is left to the handlers after this one (404). Thread-safe.
 */
public final class MetricsHandler extends Handler.Abstract {

    public static final String PATH = "/.patgate/metrics";

    private final NodeMetrics metrics;
    private final MetricsAccess access;
    private final ClientAddressResolver addresses;
    private final boolean enabled;

    public MetricsHandler(NodeMetrics metrics, MetricsConfig config, ClientAddressResolver addresses) {
        this.metrics = metrics;
        this.access = new MetricsAccess(config);
        this.addresses = addresses;
        this.enabled = config.enabled();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!enabled || !PATH.equals(request.getHttpURI().getPath())) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            problem(response, callback, Problem.of(405, "method-not-allowed", "Method Not Allowed", "use GET"));
            return true;
        }
        InetAddress client;
        try {
            client = addresses.resolve(request.getConnectionMetaData().getRemoteSocketAddress(), request.getHeaders());
        } catch (RuntimeException e) {
            client = null; // no IP peer: only the metrics token lets it in
        }
        if (access.check(client, request.getHeaders().get(HttpHeader.AUTHORIZATION))
                instanceof MetricsAccess.Verdict.Refused refused) {
            problem(response, callback, Problem.of(403, "forbidden", "Forbidden", refused.refusal()));
            return true;
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
        byte[] body = metrics.scrape(openMetrics).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders()
                .put(HttpHeader.CONTENT_TYPE, openMetrics ? NodeMetrics.OPENMETRICS_TEXT : NodeMetrics.PROMETHEUS_TEXT);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.VARY, "Accept");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
        return true;
    }

    private static void problem(Response response, Callback callback, Problem problem) {
        response.setStatus(problem.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.write(problem.at(PATH))), callback);
    }
}
