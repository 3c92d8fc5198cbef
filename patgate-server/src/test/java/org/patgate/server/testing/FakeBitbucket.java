package org.patgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.Caller;
import org.patgate.server.testing.FakeAccounts.NativeToken;

/**
 * Bitbucket Data Center in tests: HTTP access tokens ({@code /rest/access-tokens/latest/users/{userSlug}},
 * created and deleted only with the password, as the product does not let a token manage tokens), {@code
 * GET /plugins/servlet/applinks/whoami}, the user search, and {@code GET /rest/api/latest/projects}. An
 * unknown, expired or revoked token is answered 401; errors have Bitbucket's {@code {"errors":[...]}} shape.
 * An HTTP access token also works as the password of Basic authentication, as for git. Git smart HTTP is
 * mounted separately ({@link #mountScm}) and needs a known caller: anonymous or a wrong token is 401.
 */
public final class FakeBitbucket extends FakeAtlassian {

    /** Assumed defaults: 100 tokens per user, and no expiry cap unless the administrator sets one. */
    public static final int DEFAULT_MAX_TOKENS = 100;

    static final String TOKENS = "/rest/access-tokens/latest/users/";

    public FakeBitbucket(Clock clock, String contextPath) throws Exception {
        super(clock, contextPath, DEFAULT_MAX_TOKENS, Integer.MAX_VALUE, 0);
    }

    @Override
    public UpstreamProduct product() {
        return UpstreamProduct.BITBUCKET;
    }

    @Override
    protected boolean tokenAsBasicPassword() {
        return true;
    }

    public static String slug(String username) {
        return username.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    }

    @Override
    protected Canned hugeAnswer(String path, String username) throws Exception {
        String padding = " ".repeat(200_000);
        if (path.equals("/plugins/servlet/applinks/whoami")) {
            return new Canned("text/plain;charset=UTF-8", username + padding);
        }
        return new Canned(
                "application/json",
                JSON.writeValueAsString(Map.of(
                                "size", 1, "isLastPage", true, "values", List.of(user(String.valueOf(username)))))
                        + padding);
    }

    @Override
    protected String newId() {
        // Bitbucket's token ids are twelve digits.
        return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
    }

    @Override
    protected boolean route(Exchange exchange) throws Exception {
        String path = exchange.path();
        String method = exchange.method();
        Caller caller = exchange.caller();
        if (method.equals("GET") && path.equals("/plugins/servlet/applinks/whoami")) {
            return text(exchange, 200, caller.known() ? caller.username() : "");
        }
        if (!caller.known() && (path.startsWith("/rest/api/latest/users") || path.startsWith(TOKENS))) {
            return json(exchange, 401, error("Authentication required"));
        }
        if (method.equals("GET") && path.equals("/rest/api/latest/users")) {
            return users(exchange);
        }
        if (path.startsWith(TOKENS)) {
            return tokens(exchange, path.substring(TOKENS.length()).split("/"));
        }
        if (method.equals("GET") && path.equals("/rest/api/latest/projects")) {
            return json(
                    exchange,
                    200,
                    Map.of(
                            "size",
                            1,
                            "limit",
                            25,
                            "isLastPage",
                            true,
                            "start",
                            0,
                            "values",
                            List.of(Map.of("key", "PRJ", "id", 1, "name", "Project")),
                            "listedBy",
                            caller.known() ? caller.username() : "anonymous"));
        }
        return false;
    }

    private boolean users(Exchange exchange) throws Exception {
        String query = exchange.request().getHttpURI().getQuery();
        String filter = "";
        if (query != null && query.startsWith("filter=")) {
            filter = java.net.URLDecoder.decode(query.substring(7), java.nio.charset.StandardCharsets.UTF_8);
        }
        String wanted = filter.toLowerCase(Locale.ROOT);
        List<Map<String, Object>> found = accounts().usernames().stream()
                .filter(u -> u.toLowerCase(Locale.ROOT).contains(wanted))
                .map(this::user)
                .toList();
        return json(
                exchange,
                200,
                Map.of("size", found.size(), "limit", 25, "isLastPage", true, "start", 0, "values", found));
    }

    private boolean tokens(Exchange exchange, String[] parts) throws Exception {
        Caller caller = exchange.caller();
        if (caller.withToken() && !exchange.method().equals("GET")) {
            return json(exchange, 401, error("HTTP access tokens cannot be used to manage HTTP access tokens"));
        }
        if (!slug(caller.username()).equals(parts[0])) {
            return json(exchange, 401, error("You are not permitted to access this resource"));
        }
        String owner = caller.username();
        if (parts.length == 1 && exchange.method().equals("PUT")) {
            return create(exchange, owner);
        }
        if (parts.length == 1 && exchange.method().equals("GET")) {
            List<Map<String, Object>> values =
                    tokensOf(owner).stream().map(this::describe).toList();
            return json(
                    exchange,
                    200,
                    Map.of("size", values.size(), "limit", 25, "isLastPage", true, "start", 0, "values", values));
        }
        if (parts.length == 2 && exchange.method().equals("DELETE")) {
            boolean own = accounts()
                    .token(parts[1])
                    .filter(t -> t.owner().equals(owner))
                    .isPresent();
            if (!own) {
                return json(exchange, 404, error("No access token exists with id " + parts[1]));
            }
            revokeInUi(parts[1]);
            return empty(exchange, 204);
        }
        return json(exchange, 405, error("Method not allowed"));
    }

    private boolean create(Exchange exchange, String owner) throws Exception {
        JsonNode request = body(exchange);
        String name = request.path("name").asText("");
        if (name.isBlank()) {
            return json(exchange, 400, error("The request does not contain a token name"));
        }
        JsonNode permissions = request.get("permissions");
        if (permissions == null || !permissions.isArray() || permissions.isEmpty()) {
            return json(exchange, 400, error("The request does not contain a list of permissions"));
        }
        JsonNode days = request.get("expiryDays");
        if (days != null && (!days.canConvertToInt() || days.asInt() < 1)) {
            return json(exchange, 400, error("Expiry days must be a positive number"));
        }
        if (days != null && days.asInt() > accounts().maxLifetimeDays()) {
            return json(
                    exchange,
                    400,
                    error("Expiry days must be at most " + accounts().maxLifetimeDays()));
        }
        if (tokensOf(owner).size() >= accounts().maxTokensPerUser()) {
            return json(exchange, 400, error("The user already has their maximum number of tokens"));
        }
        NativeToken token = seedToken(owner, name, days == null ? null : Duration.ofDays(days.asInt()));
        Map<String, Object> answer = describe(token);
        answer.put("permissions", permissions);
        answer.put("token", token.secret());
        return json(exchange, 200, answer);
    }

    private Map<String, Object> describe(NativeToken token) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("id", token.id());
        described.put("createdDate", token.createdAt().toEpochMilli());
        described.put("name", token.name());
        if (token.expiresAt() != null) {
            described.put("expiryDate", token.expiresAt().toEpochMilli());
        }
        described.put("user", user(token.owner()));
        return described;
    }

    private Map<String, Object> user(String username) {
        return Map.of(
                "name",
                username,
                "emailAddress",
                username + "@example.org",
                "id",
                Math.abs(username.hashCode() % 1000),
                "displayName",
                accounts().displayName(username),
                "active",
                true,
                "slug",
                slug(username),
                "type",
                "NORMAL");
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("context", null);
        error.put("message", message);
        error.put("exceptionName", null);
        return Map.of("errors", List.of(error));
    }
}
