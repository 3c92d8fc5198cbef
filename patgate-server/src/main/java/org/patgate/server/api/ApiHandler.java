package org.patgate.server.api;

import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.api.internal.Exchange;
import org.patgate.server.api.internal.Problem;
import org.patgate.server.directory.Principal;
import org.patgate.server.directory.ldap.DirectoryUnavailableException;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.error.TooManyRequestsException;
import org.patgate.server.error.UnauthorizedException;
import org.patgate.server.gateway.ClientAddressResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API under {@code /.patgate/api/v1/}: authenticates the caller, routes to a
 * resource by the first path segment, and turns every failure into problem+json. Unexpected
 * failures answer 500 with no internals. Thread-safe.
 */
public final class ApiHandler extends Handler.Abstract {

    public static final String PREFIX = "/.patgate/api/v1/";
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiAuthenticator authenticator;
    private final TokensResource tokens;
    private final UsersResource users;
    private final AuditResource audit;
    private final PermissionsResource permissions;
    private final PoliciesResource policies;
    private final SettingsResource settings;
    private final DirectoryResource directory;
    private final int maxBodyBytes;
    private final ClientAddressResolver addresses;

    public ApiHandler(ApiAuthenticator authenticator, TokensResource tokens, UsersResource users, AuditResource audit,
            PermissionsResource permissions, PoliciesResource policies, SettingsResource settings, int maxBodyBytes,
            ClientAddressResolver addresses, DirectoryResource directory) {
        this.settings = settings;
        this.directory = directory;
        this.addresses = addresses;
        this.policies = policies;
        this.permissions = permissions;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        List<String> segments = Arrays.stream(path.substring(PREFIX.length()).split("/", -1)).toList();
        if (segments.getLast().isEmpty() && segments.size() > 1) {
            segments = segments.subList(0, segments.size() - 1);
        }
        String sourceIp = addresses.resolve(request.getConnectionMetaData().getRemoteSocketAddress(), request.getHeaders())
                .getHostAddress();
        Exchange exchange = new Exchange(request, response, callback, segments, maxBodyBytes, sourceIp);
        try {
            Principal principal = authenticator.authenticate(exchange);
            boolean routed = switch (segments.getFirst()) {
                case "tokens" -> tokens.handle(exchange, principal);
                case "users" -> users.handle(exchange, principal);
                case "audit" -> audit.handle(exchange, principal);
                case "permissions" -> permissions.handle(exchange, principal);
                case "policies" -> policies.handle(exchange, principal);
                case "settings" -> settings.handle(exchange, principal);
                case "approvals" -> tokens.approvals(exchange, principal);
                case "presets" -> presets(exchange);
                case "me" -> users.me(exchange, principal);
                case "directory" -> directory.handle(exchange, principal);
                default -> false;
            };
            if (!routed) {
                exchange.sendProblem(Problem.of(404, "not-found", "Not Found",
                        "no API route " + exchange.method() + " " + path));
            }
        } catch (RuntimeException e) {
            answer(exchange, e);
        }
        return true;
    }

    private static void answer(Exchange exchange, RuntimeException e) {
        switch (e) {
            case Exchange.UnsupportedMediaTypeException u ->
                    exchange.sendProblem(Problem.of(415, "unsupported-media-type", "Unsupported Media Type", u.getMessage()));
            case Exchange.PayloadTooLargeException p ->
                    exchange.sendProblem(Problem.of(413, "payload-too-large", "Payload Too Large", p.getMessage()));
            case InvalidRequestException i -> exchange.sendProblem(
                    Problem.of(400, "invalid-request", "Bad Request", i.getMessage()).withErrors(i.fieldErrors()));
            case UnauthorizedException u -> {
                exchange.response().getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"patgate\", charset=\"UTF-8\"");
                exchange.sendProblem(Problem.of(401, "unauthorized", "Unauthorized", u.getMessage()));
            }
            case DirectoryUnavailableException d -> exchange.sendProblem(Problem.of(503, "directory-unavailable",
                    "Service Unavailable", "directory unavailable: the LDAP directory cannot be reached, so directory "
                            + "users cannot be checked right now; try again later (admins: GET /directory shows why)"));
            case ForbiddenException f -> exchange.sendProblem(Problem.of(403, "forbidden", "Forbidden", f.getMessage()));
            case NotFoundException n -> exchange.sendProblem(Problem.of(404, "not-found", "Not Found", n.getMessage()));
            case ConflictException c -> exchange.sendProblem(Problem.of(409, "conflict", "Conflict", c.getMessage()));
            case TooManyRequestsException t -> {
                exchange.response().getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(t.retryAfter().toSeconds()));
                exchange.sendProblem(Problem.of(429, "too-many-requests", "Too Many Requests", t.getMessage()));
            }
            default -> {
                LOG.error("management API call {} {} failed", exchange.method(), exchange.path(), e);
                exchange.sendProblem(Problem.of(500, "internal-error", "Internal Server Error",
                        "the server could not complete the request; the log has details"));
            }
        }
    }

    /** {@code GET /presets}: the rule presets a token can be created with, and what they allow. */
    private static boolean presets(Exchange exchange) {
        if (exchange.segments().size() != 1) {
            return false;
        }
        if (!exchange.method().equals("GET")) {
            return methodNotAllowed(exchange, "GET");
        }
        java.util.List<java.util.Map<String, Object>> items = new java.util.ArrayList<>();
        org.patgate.core.rules.RulePresets.all().forEach((name, description) -> items.add(java.util.Map.of(
                "name", name, "description", description, "rules", org.patgate.server.token.TokenRulesCodec.toView(
                        org.patgate.core.rules.RulePresets.named(name).orElseThrow()))));
        exchange.sendJson(200, java.util.Map.of("items", items));
        return true;
    }

    /** Answers 405 with the allowed methods; for resources that know the path but not the method. */
    static boolean methodNotAllowed(Exchange exchange, String allowed) {
        exchange.response().getHeaders().put(HttpHeader.ALLOW, allowed);
        exchange.sendProblem(Problem.of(405, "method-not-allowed", "Method Not Allowed",
                exchange.method() + " is not allowed here; use " + allowed));
        return true;
    }
}
