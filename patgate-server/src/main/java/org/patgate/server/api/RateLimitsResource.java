package org.patgate.server.api;

import java.util.LinkedHashSet;
import java.util.Set;
import org.patgate.server.directory.UserAccounts;
import org.patgate.server.http.Exchange;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.principal.Principal;
import org.patgate.server.ratelimit.AppliedLimit;
import org.patgate.server.ratelimit.RateLimits;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.TokenQueries;

/**
 * {@code /users/{username}/rate-limit} (admins set, the user and admins read) and
 * {@code /tokens/{id}/rate-limit} (admins, or the owner within the limit that applies otherwise).
 * {@code PUT} sets, {@code DELETE} removes; a token without its own limit falls back to its owner's,
 * then its groups'. Thread-safe.
 */
public final class RateLimitsResource {

    private final RateLimits limits;
    private final UserAccounts users;
    private final TokenQueries tokens;

    public RateLimitsResource(RateLimits limits, UserAccounts users, TokenQueries tokens) {
        this.limits = limits;
        this.users = users;
        this.tokens = tokens;
    }

    /** A limit in JSON: absent fields are not limited; all absent = no limit. */
    record RateLimitBody(Integer perSecond, Integer perMinute, Integer perDay, Integer burst) {
        RateLimit toLimit() {
            return new RateLimit(perSecond, perMinute, perDay, burst);
        }

        static RateLimitBody of(RateLimit limit) {
            return limit == null || limit.isNone()
                    ? null
                    : new RateLimitBody(limit.perSecond(), limit.perMinute(), limit.perDay(), limit.burst());
        }
    }

    /**
     * The limit that applies to a token: its windows, who set them ({@code the token}, {@code user
     * 'alice'}, {@code group 'ci'}) and whether the owner's tokens share one count ({@code shared}).
     */
    record AppliedLimitView(
            Integer perSecond, Integer burst, Integer perMinute, Integer perDay, String setBy, boolean shared) {
        static AppliedLimitView of(AppliedLimit limit) {
            if (limit == null) {
                return null;
            }
            Integer second = null;
            Integer burst = null;
            Integer minute = null;
            Integer day = null;
            Set<String> sources = new LinkedHashSet<>();
            for (AppliedLimit.Window window : limit.windows()) {
                sources.add(window.source());
                switch (window.seconds()) {
                    case 1 -> {
                        second = window.requests();
                        burst = window.capacity();
                    }
                    case 60 -> minute = window.requests();
                    default -> day = window.requests();
                }
            }
            return new AppliedLimitView(
                    second,
                    burst,
                    minute,
                    day,
                    String.join(", ", sources),
                    limit.bucket().startsWith("user:"));
        }
    }

    record UserLimitView(String username, RateLimitBody rateLimit) {}

    record TokenLimitView(String id, RateLimitBody own, AppliedLimitView applies) {}

    void ofUser(Exchange exchange, Principal principal) {
        UserRecord user = users.get(principal, exchange.decodedPathParameter("username"));
        exchange.sendJson(200, new UserLimitView(user.username(), RateLimitBody.of(limits.ofUser(user.id()))));
    }

    void setUser(Exchange exchange, Principal principal, boolean remove) {
        principal.requireAdmin("set a user's rate limit");
        UserRecord user = users.get(principal, exchange.decodedPathParameter("username"));
        RateLimit limit =
                remove ? RateLimit.NONE : exchange.readJson(RateLimitBody.class).toLimit();
        limits.setUser(principal, exchange.sourceIp(), user, limit);
        if (remove) {
            exchange.sendNoContent();
        } else {
            exchange.sendJson(200, new UserLimitView(user.username(), RateLimitBody.of(limit)));
        }
    }

    void ofToken(Exchange exchange, Principal principal) {
        exchange.sendJson(200, view(tokens.get(principal, exchange.pathParameter("id"))));
    }

    void setToken(Exchange exchange, Principal principal, boolean remove) {
        TokenRecord token = tokens.get(principal, exchange.pathParameter("id"));
        RateLimit limit =
                remove ? RateLimit.NONE : exchange.readJson(RateLimitBody.class).toLimit();
        limits.setToken(principal, exchange.sourceIp(), token, limit);
        if (remove) {
            exchange.sendNoContent();
        } else {
            exchange.sendJson(200, view(token));
        }
    }

    private TokenLimitView view(TokenRecord token) {
        return new TokenLimitView(
                token.id(), RateLimitBody.of(limits.ofToken(token.id())), AppliedLimitView.of(limits.resolve(token)));
    }
}
