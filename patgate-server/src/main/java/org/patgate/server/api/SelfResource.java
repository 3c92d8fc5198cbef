package org.patgate.server.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.http.Exchange;
import org.patgate.server.http.Problem;
import org.patgate.server.ratelimit.AppliedLimit;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.Usage;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.token.TokenQueries;
import org.patgate.server.token.TokenRulesCodec;
import org.patgate.server.token.TokenVerifier;

/**
 * {@code GET /self}: a token describes itself to whoever holds it (a script checking what it may do
 * and how long it has left). Authenticated by the token only (Bearer, or Basic with the token as
 * password); a password is refused, as is every token the gateway would refuse (unknown, expired,
 * revoked, pending, owner disabled: 401; from outside its allowed IPs: 403). Never answers the
 * secret. Thread-safe.
 */
public final class SelfResource {

    static final String BEARER_CHALLENGE = "Bearer realm=\"patgate\"";

    private final TokenVerifier verifier;
    private final TokenQueries queries;
    private final RateLimiter limiter;
    private final Clock clock;

    /** @param limiter tells what is left of the token's rate limit (read only: a look counts nothing) */
    public SelfResource(TokenVerifier verifier, TokenQueries queries, RateLimiter limiter, Clock clock) {
        this.verifier = verifier;
        this.queries = queries;
        this.limiter = limiter;
        this.clock = clock;
    }

    void describe(Exchange exchange) {
        exchange.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String presented = presentedToken(exchange.request().getHeaders().get(HttpHeader.AUTHORIZATION));
        if (presented == null) {
            unauthorized(
                    exchange,
                    "send a personal access token as Authorization: Bearer <token> (or as the Basic password);"
                            + " a password is not accepted here");
            return;
        }
        TokenVerifier.Verification verification = verifier.verify(presented);
        if (verification instanceof TokenVerifier.Verification.Refused refused) {
            if (refused.reason() == TokenVerifier.Reason.UNAVAILABLE) {
                exchange.sendProblem(Problem.of(
                        503,
                        "unavailable",
                        "Service Unavailable",
                        refused.reason().detail()));
            } else if (refused.reason() == TokenVerifier.Reason.MALFORMED) {
                unauthorized(exchange, "this endpoint accepts a personal access token only, not a password");
            } else {
                unauthorized(exchange, refused.reason().detail());
            }
            return;
        }
        TokenVerifier.VerifiedToken verified = ((TokenVerifier.Verification.Valid) verification).token();
        // As at the gateway: a token bound to addresses works, and so describes itself, only from them.
        if (!verified.allowedIps().allows(address(exchange.sourceIp()))) {
            exchange.sendProblem(
                    Problem.of(403, "forbidden", "Forbidden", "this token may not be used from your address"));
            return;
        }
        String id = verified.id();
        TokenQueries.OwnedToken owned = queries.ownedToken(id).orElse(null);
        if (owned == null) {
            unauthorized(exchange, TokenVerifier.Reason.UNKNOWN.detail()); // revoked and deleted meanwhile
            return;
        }
        Map<String, Object> view = view(owned, clock.instant());
        AppliedLimit limit = verified.rateLimit();
        view.put("rateLimit", RateLimitsResource.AppliedLimitView.of(limit));
        view.put("rateLimitRemaining", limit == null ? null : remaining(limiter.peek(limit)));
        exchange.sendJson(200, view);
    }

    /** The token's settings and state; never its secret, digest or hint. */
    private static Map<String, Object> view(TokenQueries.OwnedToken owned, Instant now) {
        TokenRecord token = owned.token();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", token.id());
        view.put("name", token.name());
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("username", owned.owner().username());
        owner.put("displayName", owned.owner().displayName());
        view.put("owner", owner);
        view.put("scope", token.scope().wireName());
        view.put("rules", TokenRulesCodec.toView(TokenRulesCodec.fromStored(token.rulesJson())));
        view.put("allowedIps", token.allowedIps() == null ? List.of() : token.allowedIps());
        view.put("status", token.effectiveStatus(now));
        view.put("createdAt", token.createdAt());
        view.put("expiresAt", token.expiresAt());
        if (token.expiresAt() != null) {
            long seconds = Math.max(0, Duration.between(now, token.expiresAt()).toSeconds());
            view.put("expiresInSeconds", seconds);
            view.put("expiresInDays", seconds / 86_400);
        } else {
            view.put("expiresInSeconds", null);
            view.put("expiresInDays", null);
        }
        view.put("lastUsedAt", token.lastUsedAt());
        view.put("lastUsedIp", token.lastUsedIp());
        return view;
    }

    /** Per window ({@code per-second}, {@code per-minute}, {@code per-day}): requests left now and seconds until full. */
    private static Map<String, Object> remaining(Usage usage) {
        Map<String, Object> windows = new LinkedHashMap<>();
        for (int i = 0; i < usage.limit().windows().size(); i++) {
            windows.put(
                    usage.limit().windows().get(i).name(),
                    Map.of("remaining", usage.remaining(i), "fullInSeconds", usage.resetSeconds(i)));
        }
        return windows;
    }

    /**
     * The token in {@code Authorization}: the Bearer credential, or the password of Basic; null when
     * there is no such header or it is neither.
     */
    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = authorization.substring(0, space);
        String credentials = authorization.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials.isEmpty() ? null : credentials;
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 || colon == decoded.length() - 1 ? null : decoded.substring(colon + 1);
    }

    /** The client's address from its literal (never a name lookup: the literal is an IP address). */
    private static InetAddress address(String literal) {
        try {
            return literal == null ? null : InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static void unauthorized(Exchange exchange, String detail) {
        exchange.response().getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        exchange.sendProblem(Problem.of(401, "unauthorized", "Unauthorized", detail));
    }
}
