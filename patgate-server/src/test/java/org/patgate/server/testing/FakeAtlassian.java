package org.patgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    /** A native token as the product keeps it. {@code expiresAt} is null for a token that never expires. */
    public record NativeToken(
            String id, String owner, String name, String secret, Instant createdAt, Instant expiresAt) {}

    /** How the product misbehaves, for the tests of an upstream that answers what it never should. */
    public enum Breakage {
        NONE,
        SERVER_ERROR,
        NOT_JSON,
        HUGE_BODY,
        WRONG_USER_HEADER
    }

    /** Who a request authenticated as; {@code username} null for anonymous, {@code refused} for bad credentials. */
    protected record Caller(String username, boolean refused, boolean withToken) {
        static final Caller ANONYMOUS = new Caller(null, false, false);
        static final Caller REFUSED = new Caller(null, true, false);

        boolean known() {
            return username != null;
        }
    }

    /** One exchange, handed to a product's routes. {@code path} is below the context path. */
    protected record Exchange(
            Request request, Response response, Callback callback, String method, String path, Caller caller) {}

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    protected final Clock clock;
    private final String contextPath;
    private final Server server;
    private final ServerConnector connector;
    private final Map<String, String[]> users = new ConcurrentHashMap<>();
    private final Map<String, NativeToken> tokens = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile int maxTokensPerUser;
    private volatile int maxLifetimeDays;
    private volatile Breakage breakage = Breakage.NONE;
    private volatile Handler scmHandler;

    protected FakeAtlassian(Clock clock, String contextPath, int maxTokensPerUser, int maxLifetimeDays)
            throws Exception {
        this.clock = clock;
        this.contextPath = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
        this.maxTokensPerUser = maxTokensPerUser;
        this.maxLifetimeDays = maxLifetimeDays;
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

    public FakeAtlassian addUser(String username, String password, String displayName) {
        users.put(username, new String[] {password, displayName});
        return this;
    }

    public List<String> knownUsers() {
        return List.copyOf(users.keySet());
    }

    public String displayName(String username) {
        String[] user = username == null ? null : users.get(username);
        return user == null ? null : user[1];
    }

    /** Creates a native token as if the user had in the product's UI; {@code lifetime} null never expires. */
    public NativeToken seedToken(String username, String name, Duration lifetime) {
        if (!users.containsKey(username)) {
            throw new IllegalArgumentException("no user " + username);
        }
        Instant now = clock.instant();
        String id = newId();
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        // Both products' raw tokens are base64 of "<id>:<random>", 44 characters or so.
        String secret = Base64.getEncoder()
                .encodeToString(
                        (id + ":" + Base64.getEncoder().encodeToString(random)).getBytes(StandardCharsets.UTF_8));
        NativeToken token =
                new NativeToken(id, username, name, secret, now, lifetime == null ? null : now.plus(lifetime));
        tokens.put(id, token);
        return token;
    }

    /** Revokes a token as the user would in the product's UI, behind PATgate's back. */
    public boolean revokeInUi(String tokenId) {
        return tokens.remove(tokenId) != null;
    }

    public List<NativeToken> tokensOf(String username) {
        return tokens.values().stream().filter(t -> t.owner().equals(username)).toList();
    }

    public Optional<NativeToken> token(String tokenId) {
        return Optional.ofNullable(tokens.get(tokenId));
    }

    public void maxTokensPerUser(int max) {
        this.maxTokensPerUser = max;
    }

    public int maxTokensPerUser() {
        return maxTokensPerUser;
    }

    public void maxLifetimeDays(int days) {
        this.maxLifetimeDays = days;
    }

    public int maxLifetimeDays() {
        return maxLifetimeDays;
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
                                String.valueOf(displayName(user))))
                        + " ".repeat(200_000));
    }

    /** Whether a Bearer token the product does not know makes the caller anonymous (Confluence) instead of 401. */
    protected boolean unknownBearerIsAnonymous() {
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
        Handler scm = scmHandler;
        if (scm != null && path.startsWith("/scm/")) {
            return scm.handle(request, response, callback);
        }
        Caller caller = authenticate(request);
        switch (breakage) {
            case SERVER_ERROR -> {
                return answer(response, callback, 500, "text/html", "<html>Internal server error</html>", caller);
            }
            case NOT_JSON -> {
                return answer(response, callback, 200, "application/json", "{\"name\": <html>", caller);
            }
            case HUGE_BODY -> {
                Canned huge = hugeAnswer(path, caller.username());
                return answer(response, callback, 200, huge.contentType(), huge.body(), caller);
            }
            default -> {}
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

    private Caller authenticate(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization == null) {
            return Caller.ANONYMOUS;
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(
                        Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Caller.REFUSED;
            }
            int colon = decoded.indexOf(':');
            String[] user = colon < 0 ? null : users.get(decoded.substring(0, colon));
            return user != null && user[0].equals(decoded.substring(colon + 1))
                    ? new Caller(decoded.substring(0, colon), false, false)
                    : Caller.REFUSED;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = authorization.substring(7).strip();
            Instant now = clock.instant();
            for (NativeToken token : tokens.values()) {
                if (token.secret().equals(secret) && (token.expiresAt() == null || now.isBefore(token.expiresAt()))) {
                    return new Caller(token.owner(), false, true);
                }
            }
            return unknownBearerIsAnonymous() ? Caller.ANONYMOUS : Caller.REFUSED;
        }
        return Caller.REFUSED;
    }

    protected String newId() {
        return Long.toString(nextId.getAndIncrement());
    }

    protected NativeToken putToken(NativeToken token) {
        tokens.put(token.id(), token);
        return token;
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
