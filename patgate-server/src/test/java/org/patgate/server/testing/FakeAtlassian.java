package org.patgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.Caller;
import org.patgate.server.testing.FakeAccounts.NativeToken;

/**
 * A stock Atlassian Data Center product in tests: a real Jetty server on a loopback port, under an optional
 * context path (such as {@code /jira}), with users and passwords, native tokens that expire on the test's
 * clock and can be revoked, the {@code X-AUSERNAME} header on every answer, and a record of every request
 * (so a test can assert what the product saw, and that a refused request never arrived). The subclasses
 * ({@link FakeJira}, {@link FakeConfluence}, {@link FakeBitbucket}) hold each product's endpoints and its
 * answers to a bad credential. Thread-safe.
 */
public abstract class FakeAtlassian implements AutoCloseable {

    /** One request as the product received it (path below the context path). */
    public record Received(String method, String path, String query, List<HttpField> headers) {
        public Optional<String> header(String name) {
            return headers.stream()
                    .filter(f -> f.getName().equalsIgnoreCase(name))
                    .map(HttpField::getValue)
                    .findFirst();
        }
    }

    /** How the product misbehaves, for the tests of an upstream that answers what it never should. */
    public enum Breakage {
        NONE,
        SERVER_ERROR,
        NOT_JSON,
        HUGE_BODY,
        /** Takes the request and never answers, until closed. */
        SILENT,
        WRONG_USER_HEADER
    }

    /** One exchange, handed to a product's routes. {@code path} is below the context path. */
    protected record Exchange(
            Request request, Response response, Callback callback, String method, String path, Caller caller) {}

    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final Clock clock;
    private final String contextPath;
    private final Server server;
    private final ServerConnector connector;
    private final FakeAccounts accounts;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Callback> unanswered = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile Breakage breakage = Breakage.NONE;
    private volatile Handler scmHandler;

    protected FakeAtlassian(
            Clock clock, String contextPath, int maxTokensPerUser, int maxLifetimeDays, int captchaAfterFailedLogins)
            throws Exception {
        this.clock = clock;
        this.contextPath = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        this.accounts =
                new FakeAccounts(clock, this::newId, maxTokensPerUser, maxLifetimeDays, captchaAfterFailedLogins);
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return dispatch(request, response, callback);
            }
        });
        server.start();
    }

    /** A fake of {@code product} at the root or under {@code contextPath} ("" for the root). */
    public static FakeAtlassian start(UpstreamProduct product, Clock clock, String contextPath) throws Exception {
        return switch (product) {
            case JIRA -> new FakeJira(clock, contextPath);
            case CONFLUENCE -> new FakeConfluence(clock, contextPath);
            case BITBUCKET -> new FakeBitbucket(clock, contextPath);
            case GENERIC -> throw new IllegalArgumentException("a generic upstream has no native tokens");
        };
    }

    public abstract UpstreamProduct product();

    /** The base URL, with the context path: what {@code upstream.url} says. */
    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + contextPath;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The product's users and native tokens, its caps on tokens, and its CAPTCHA after failed logins. */
    public FakeAccounts accounts() {
        return accounts;
    }

    public FakeAtlassian addUser(String username, String password, String displayName) {
        accounts.addUser(username, password, displayName);
        return this;
    }

    /** Creates a native token as the user would in the product's UI; {@code lifetime} null never expires. */
    public NativeToken seedToken(String username, String name, Duration lifetime) {
        return accounts.seedToken(username, name, lifetime);
    }

    /** Revokes a token as the user would in the product's UI, behind PATgate's back. */
    public boolean revokeInUi(String tokenId) {
        return accounts.revoke(tokenId);
    }

    public List<NativeToken> tokensOf(String username) {
        return accounts.tokensOf(username);
    }

    /** Every later answer misbehaves so, until {@link Breakage#NONE}. */
    public void breakWith(Breakage breakage) {
        this.breakage = breakage;
    }

    /** Mounts a handler for {@code /scm/**} (git smart HTTP), given the request as it arrived. */
    public void mountScm(Handler handler) throws Exception {
        handler.setServer(server);
        handler.start();
        this.scmHandler = handler;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int requestCount() {
        return received.size();
    }

    public Received last() {
        if (received.isEmpty()) {
            throw new AssertionError(product() + " received nothing");
        }
        return received.getLast();
    }

    /** The requests to exactly this path (below the context path). */
    public List<Received> receivedAt(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        unanswered.forEach(c -> c.failed(new java.io.EOFException("closed unanswered")));
        server.stop();
    }

    /** The product's routes; false when none matched (answered 404). */
    protected abstract boolean route(Exchange exchange) throws Exception;

    /** A body and its type. */
    protected record Canned(String contentType, String body) {}

    /**
     * An answer to {@code path} right in every way but its size: what the product would say for
     * {@code username}, padded with whitespace past any sane bound.
     */
    protected Canned hugeAnswer(String path, String username) throws Exception {
        String user = String.valueOf(username);
        return new Canned(
                "application/json",
                JSON.writeValueAsString(Map.of(
                                "name",
                                user,
                                "username",
                                user,
                                "type",
                                "known",
                                "displayName",
                                String.valueOf(accounts.displayName(user))))
                        + " ".repeat(200_000));
    }

    /** Whether a Bearer token the product does not know makes the caller anonymous (Confluence) instead of 401. */
    protected boolean unknownBearerIsAnonymous() {
        return false;
    }

    /** Whether a user's token is also taken as their password in Basic authentication (Bitbucket). */
    protected boolean tokenAsBasicPassword() {
        return false;
    }

    private boolean dispatch(Request request, Response response, Callback callback) throws Exception {
        String fullPath = request.getHttpURI().getPath();
        if (!fullPath.startsWith(contextPath + "/")) {
            return answer(response, callback, 404, "text/plain", "not under the context path", null);
        }
        String path = fullPath.substring(contextPath.length());
        List<HttpField> headers = new ArrayList<>();
        request.getHeaders().forEach(headers::add);
        received.add(
                new Received(request.getMethod(), path, request.getHttpURI().getQuery(), headers));
        Caller caller = accounts.authenticate(
                request.getHeaders().get(HttpHeader.AUTHORIZATION), unknownBearerIsAnonymous(), tokenAsBasicPassword());
        Handler scm = scmHandler;
        if (scm != null && path.startsWith("/scm/")) {
            // The product names the authenticated user on git answers too; the handler decides the rest.
            response.getHeaders().put("X-AUSERNAME", caller.known() ? caller.username() : "anonymous");
            if (!caller.known()) {
                // No anonymous access to repositories; a wrong token or password is refused as a login would be.
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"Atlassian Bitbucket\"");
                return answer(response, callback, 401, "text/plain;charset=UTF-8", "Authentication failed\n", caller);
            }
            // The handler sees who the product took the caller for, as Bitbucket's git hosting does.
            Request asCaller = new Request.Wrapper(request) {
                @Override
                public org.eclipse.jetty.http.HttpFields getHeaders() {
                    return org.eclipse.jetty.http.HttpFields.build(super.getHeaders())
                            .put("X-Forwarded-User", caller.username());
                }
            };
            return scm.handle(asCaller, response, callback);
        }
        switch (breakage) {
            case SERVER_ERROR -> {
                return answer(response, callback, 500, "text/html", "<html>Internal server error</html>", caller);
            }
            case NOT_JSON -> {
                return answer(response, callback, 200, "application/json", "{\"name\": <html>", caller);
            }
            case SILENT -> {
                unanswered.add(callback);
                return true;
            }
            case HUGE_BODY -> {
                Canned huge = hugeAnswer(path, caller.username());
                return answer(response, callback, 200, huge.contentType(), huge.body(), caller);
            }
            default -> {}
        }
        if (caller.captcha()) {
            response.getHeaders().put("X-Seraph-LoginReason", "AUTHENTICATION_DENIED");
            response.getHeaders()
                    .put("X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE; login-url=" + url() + "/login.jsp");
            return answer(response, callback, 403, "text/html", "<html>CAPTCHA required</html>", caller);
        }
        if (caller.refused()) {
            return answer(
                    response,
                    callback,
                    401,
                    "application/json",
                    "{\"message\":\"Client must be authenticated to access this resource.\"}",
                    caller);
        }
        if (!route(new Exchange(request, response, callback, request.getMethod(), path, caller))) {
            return answer(response, callback, 404, "application/json", "{\"message\":\"Not found\"}", caller);
        }
        return true;
    }

    protected String newId() {
        return Long.toString(nextId.getAndIncrement());
    }

    protected JsonNode body(Exchange exchange) throws Exception {
        String text = Content.Source.asString(exchange.request(), StandardCharsets.UTF_8);
        return JSON.readTree(text.isEmpty() ? "{}" : text);
    }

    protected boolean json(Exchange exchange, int status, Object body) throws Exception {
        return answer(
                exchange.response(),
                exchange.callback(),
                status,
                "application/json",
                JSON.writeValueAsString(body),
                exchange.caller());
    }

    protected boolean text(Exchange exchange, int status, String body) {
        return answer(
                exchange.response(), exchange.callback(), status, "text/plain;charset=UTF-8", body, exchange.caller());
    }

    protected boolean empty(Exchange exchange, int status) {
        return answer(exchange.response(), exchange.callback(), status, null, null, exchange.caller());
    }

    private boolean answer(
            Response response, Callback callback, int status, String contentType, String body, Caller caller) {
        response.setStatus(status);
        String user = caller == null || !caller.known() ? "anonymous" : caller.username();
        response.getHeaders().put("X-AUSERNAME", breakage == Breakage.WRONG_USER_HEADER ? "someone-else" : user);
        if (body == null) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /** Issue JSON naming the caller, the same shape for every product's ordinary read endpoint. */
    protected Map<String, Object> readAnswer(Exchange exchange, String kind, String id) {
        return Map.of(
                "kind",
                kind,
                "id",
                id,
                "readBy",
                exchange.caller().known() ? exchange.caller().username() : "anonymous");
    }
}
