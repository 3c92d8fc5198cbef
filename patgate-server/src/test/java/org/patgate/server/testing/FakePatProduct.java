package org.patgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.testing.FakeAccounts.Caller;
import org.patgate.server.testing.FakeAccounts.NativeToken;

/**
 * The personal access token API that Jira and Confluence Data Center share ({@code /rest/pat/latest/tokens}):
 * create with {@code {"name","expirationDuration"}} (days) answering the raw token once, list, delete; the
 * administrator's caps on the number of tokens per user and on their lifetime. Whether a PAT may manage
 * PATs is a switch ({@link #tokensManagedWithBearer}), on by default.
 */
public abstract class FakePatProduct extends FakeAtlassian {

    /** Jira's and Confluence's defaults (assumed: 10 tokens per user, 365 days). */
    public static final int DEFAULT_MAX_TOKENS = 10;

    public static final int DEFAULT_MAX_DAYS = 365;

    /** Jira's default "maximum authentication attempts allowed" before a CAPTCHA (assumed the same for Confluence). */
    public static final int DEFAULT_CAPTCHA_AFTER = 3;

    static final String TOKENS = "/rest/pat/latest/tokens";

    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private volatile boolean tokensManagedWithBearer = true;

    protected FakePatProduct(Clock clock, String contextPath) throws Exception {
        super(clock, contextPath, DEFAULT_MAX_TOKENS, DEFAULT_MAX_DAYS, DEFAULT_CAPTCHA_AFTER);
    }

    /** Whether a PAT (Bearer) may create and delete PATs; when false only the password (Basic) may. */
    public void tokensManagedWithBearer(boolean allowed) {
        this.tokensManagedWithBearer = allowed;
    }

    /** Answers the PAT API's paths; false for any other path. */
    protected boolean routeTokens(Exchange exchange) throws Exception {
        String path = exchange.path();
        if (!path.equals(TOKENS) && !path.startsWith(TOKENS + "/")) {
            return false;
        }
        Caller caller = exchange.caller();
        if (!caller.known()) {
            return json(exchange, 401, error("You are not authenticated"));
        }
        if (caller.withToken() && !tokensManagedWithBearer && !exchange.method().equals("GET")) {
            return json(exchange, 403, error("Personal access tokens cannot be managed with a personal access token"));
        }
        if (path.equals(TOKENS) && exchange.method().equals("POST")) {
            return create(exchange);
        }
        if (path.equals(TOKENS) && exchange.method().equals("GET")) {
            return json(
                    exchange,
                    200,
                    tokensOf(caller.username()).stream().map(this::describe).toList());
        }
        if (exchange.method().equals("DELETE")) {
            String id = path.substring(TOKENS.length() + 1);
            boolean own = accounts()
                    .token(id)
                    .filter(t -> t.owner().equals(caller.username()))
                    .isPresent();
            if (!own) {
                return json(exchange, 404, error("No token with id " + id));
            }
            revokeInUi(id);
            return empty(exchange, 204);
        }
        return json(exchange, 405, error("Method not allowed"));
    }

    private boolean create(Exchange exchange) throws Exception {
        JsonNode request = body(exchange);
        String name = request.path("name").asText("");
        if (name.isBlank()) {
            return json(exchange, 400, error("Token name is required"));
        }
        JsonNode days = request.get("expirationDuration");
        if (days != null && (!days.canConvertToInt() || days.asInt() < 1)) {
            return json(exchange, 400, error("Expiration duration must be a positive number of days"));
        }
        if (days != null && days.asInt() > accounts().maxLifetimeDays()) {
            return json(
                    exchange,
                    400,
                    error("Expiration duration can't be longer than "
                            + accounts().maxLifetimeDays() + " days"));
        }
        String owner = exchange.caller().username();
        if (tokensOf(owner).size() >= accounts().maxTokensPerUser()) {
            return json(
                    exchange,
                    400,
                    error("You've reached the maximum number of tokens ("
                            + accounts().maxTokensPerUser() + "). Revoke a token before creating a new one."));
        }
        NativeToken token = seedToken(owner, name, days == null ? null : Duration.ofDays(days.asInt()));
        Map<String, Object> answer = describe(token);
        answer.put("rawToken", token.secret());
        return json(exchange, 201, answer);
    }

    private Map<String, Object> describe(NativeToken token) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("id", Long.parseLong(token.id()));
        described.put("name", token.name());
        described.put("createdAt", iso(token.createdAt()));
        if (token.expiresAt() != null) {
            described.put("expiringAt", iso(token.expiresAt()));
        }
        return described;
    }

    static String iso(Instant instant) {
        return ISO.format(instant);
    }

    static Map<String, Object> error(String message) {
        return Map.of("message", message, "errorMessages", List.of(message));
    }
}
