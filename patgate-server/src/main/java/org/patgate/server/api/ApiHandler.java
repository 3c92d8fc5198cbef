package org.patgate.server.api;

import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.auth.ApiAuthenticator;
import org.patgate.server.http.ClientAddressResolver;
import org.patgate.server.http.Exchange;
import org.patgate.server.http.Problem;
import org.patgate.server.http.Problems;
import org.patgate.server.principal.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API under {@code /.patgate/api/v1/}: matches the call against the
 * {@link ApiRoutes route table}, authenticates the caller (except on the few open routes), runs the
 * route's action, and turns every failure into problem+json: an unknown path is 404, a known path
 * with another method 405 with {@code Allow} taken from the table. Unexpected failures answer 500
 * with no internals. Thread-safe.
 */
public final class ApiHandler extends Handler.Abstract {

    public static final String PREFIX = "/.patgate/api/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiAuthenticator authenticator;
    private final ApiRoutes routes;
    private final ApiRoutes.Resources resources;
    private final int maxBodyBytes;
    private final ClientAddressResolver addresses;

    /** An API answering {@code routes} with {@code resources}. */
    public ApiHandler(
            ApiAuthenticator authenticator,
            ApiRoutes routes,
            ApiRoutes.Resources resources,
            int maxBodyBytes,
            ClientAddressResolver addresses) {
        this.authenticator = authenticator;
        this.routes = routes;
        this.resources = resources;
        this.maxBodyBytes = maxBodyBytes;
        this.addresses = addresses;
    }

    /** The routes this handler answers. */
    public ApiRoutes routes() {
        return routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        List<String> segments =
                Arrays.stream(path.substring(PREFIX.length()).split("/", -1)).toList();
        if (segments.getLast().isEmpty() && segments.size() > 1) {
            segments = segments.subList(0, segments.size() - 1);
        }
        String sourceIp = addresses
                .resolve(request.getConnectionMetaData().getRemoteSocketAddress(), request.getHeaders())
                .getHostAddress();
        Exchange exchange = new Exchange(request, response, callback, segments, maxBodyBytes, sourceIp);
        try {
            ApiRoutes.Match match = routes.match(exchange.method(), segments);
            if (match instanceof ApiRoutes.Match.Found found && !found.route().authenticated()) {
                exchange.bindPathParameters(found.parameters());
                found.route().action().handle(resources, exchange, null);
                return true;
            }
            // Before any password check: a browser's cross-site write never gets to use ambient credentials.
            Problem crossSite = CrossSiteGuard.refusal(request);
            if (crossSite != null) {
                exchange.sendProblem(crossSite); // drains the unread body first (HTTP/2 clients see the answer)
                return true;
            }
            // Authenticate before saying anything about the path, so that probing needs credentials.
            Principal principal = authenticator.authenticate(exchange);
            switch (match) {
                case ApiRoutes.Match.Found found -> {
                    exchange.bindPathParameters(found.parameters());
                    found.route().action().handle(resources, exchange, principal);
                }
                case ApiRoutes.Match.WrongMethod wrong -> methodNotAllowed(exchange, wrong.allow());
                case ApiRoutes.Match.NotFound notFound ->
                    exchange.sendProblem(Problem.of(
                            404, "not-found", "Not Found", "no API route " + exchange.method() + " " + path));
            }
        } catch (RuntimeException e) {
            answer(exchange, e);
        }
        return true;
    }

    private static void answer(Exchange exchange, RuntimeException e) {
        Problems.Answer answer = Problems.answer(e);
        if (!answer.expected()) {
            LOG.error("management API call {} {} failed", exchange.method(), exchange.path(), e);
        }
        answer.headers().forEach(exchange.response().getHeaders()::put);
        exchange.sendProblem(answer.problem());
    }

    /** Answers 405 with the allowed methods; for resources that know the path but not the method. */
    static boolean methodNotAllowed(Exchange exchange, String allowed) {
        exchange.response().getHeaders().put(HttpHeader.ALLOW, allowed);
        exchange.sendProblem(Problem.of(
                405,
                "method-not-allowed",
                "Method Not Allowed",
                exchange.method() + " is not allowed here; use " + allowed));
        return true;
    }
}
