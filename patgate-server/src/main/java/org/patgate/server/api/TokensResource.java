package org.patgate.server.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.patgate.core.PatgateException;
import org.patgate.core.rules.RulePresets;
import org.patgate.core.token.Scope;
import org.patgate.server.activity.TokenActivity;
import org.patgate.server.api.TokenViews.CreateTokenBody;
import org.patgate.server.api.TokenViews.IssuedTokenView;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.api.TokenViews.TokenView;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.principal.Principal;
import org.patgate.server.ratelimit.RateLimits;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenRequestRecord;
import org.patgate.server.token.IssuedToken;
import org.patgate.server.token.TokenApprovals;
import org.patgate.server.token.TokenFilter;
import org.patgate.server.token.TokenIssuer;
import org.patgate.server.token.TokenQueries;
import org.patgate.server.token.TokenRequest;
import org.patgate.server.token.TokenRevocation;
import org.patgate.server.token.TokenRotation;
import org.patgate.server.token.TokenRulesCodec;
import org.patgate.server.token.TokenStatusDetails;

/**
 * {@code /tokens}: create, list, get, revoke (one or many), rotate, approve, deny, activity; plus
 * {@code /approvals} and {@code /presets}. Translates JSON to calls of the token services
 * ({@link TokenIssuer}, {@link TokenQueries}, {@link TokenRevocation}, {@link TokenRotation},
 * {@link TokenApprovals}); all rules live there. Thread-safe.
 */
public final class TokensResource {

    private static final int MAX_EXPIRES_IN_DAYS = 3650;

    private final TokenIssuer issuer;
    private final TokenQueries queries;
    private final TokenRevocation revocation;
    private final TokenRotation rotation;
    private final TokenApprovals approvals;
    private final TokenStatusDetails details;
    private final TokenActivity usage;
    private final Clock clock;
    private final RateLimits rateLimits;

    public TokensResource(
            TokenIssuer issuer,
            TokenQueries queries,
            TokenRevocation revocation,
            TokenRotation rotation,
            TokenApprovals approvals,
            TokenStatusDetails details,
            TokenActivity usage,
            Clock clock,
            RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.issuer = issuer;
        this.queries = queries;
        this.revocation = revocation;
        this.rotation = rotation;
        this.approvals = approvals;
        this.details = details;
        this.usage = usage;
        this.clock = clock;
    }

    void get(Exchange exchange, Principal principal) {
        exchange.sendJson(200, detail(queries.get(principal, exchange.pathParameter("id"))));
    }

    void revoke(Exchange exchange, Principal principal) {
        revocation.revoke(principal, exchange.sourceIp(), exchange.pathParameter("id"));
        exchange.sendNoContent();
    }

    void rotate(Exchange exchange, Principal principal) {
        IssuedToken rotated = rotation.rotate(principal, exchange.sourceIp(), exchange.pathParameter("id"));
        exchange.sendJson(200, IssuedTokenView.of(rotated.token(), rotated.secret(), clock.instant()));
    }

    void decide(Exchange exchange, Principal principal, boolean approve) {
        DecisionBody body = exchange.readOptionalJson(DecisionBody.class);
        TokenRecord decided = approvals.decide(
                principal,
                exchange.sourceIp(),
                exchange.pathParameter("id"),
                approve,
                body == null ? null : body.reason());
        exchange.sendJson(200, detail(decided));
    }

    void activity(Exchange exchange, Principal principal) {
        TokenRecord token = queries.get(principal, exchange.pathParameter("id"));
        int limit = exchange.queryInt("size", 100, 1, 10_000);
        List<RequestView> recent = usage.recent(principal, token.id(), limit).stream()
                .map(RequestView::of)
                .toList();
        exchange.sendJson(
                200,
                new ActivityView(token.id(), token.lastUsedAt(), token.lastUsedIp(), token.lastUsedAgent(), recent));
    }

    /** One hour of a token's use: every request, and those answered 400 or above. */
    record HourView(Instant hour, long requests, long failed) {}

    record UsageView(String tokenId, Instant from, Instant to, List<HourView> items) {}

    /**
     * {@code GET /tokens/{id}/usage?hours=N}: requests per hour over the last N whole hours
     * (default 168, at most the 90 days counters are kept), oldest first, hours without requests
     * included as zeros so a chart needs no gap logic.
     */
    void usage(Exchange exchange, Principal principal) {
        int hours = exchange.queryInt("hours", 168, 1, TokenActivity.MAX_HOURS);
        String id = exchange.pathParameter("id");
        TokenActivity.HourlyCounts counts = usage.hourly(principal, id, hours);
        List<HourView> items = new ArrayList<>(hours);
        for (int i = 0; i < counts.hours().size(); i++) {
            items.add(new HourView(
                    counts.hours().get(i),
                    counts.counts().get(i),
                    counts.failed().get(i)));
        }
        Instant from = counts.hours().getFirst();
        exchange.sendJson(200, new UsageView(id, from, counts.hours().getLast().plus(1, ChronoUnit.HOURS), items));
    }

    /** {@code GET /presets}: the rule presets a token can be created with, and what they allow. */
    void presets(Exchange exchange) {
        List<Map<String, Object>> items = new ArrayList<>();
        RulePresets.all()
                .forEach((name, description) -> items.add(Map.of(
                        "name",
                        name,
                        "description",
                        description,
                        "rules",
                        TokenRulesCodec.toView(RulePresets.named(name).orElseThrow()))));
        exchange.sendJson(200, Map.of("items", items));
    }

    /**
     * The body of {@code POST /tokens/revoke}: either {@code ids}, or filters as for listing (at
     * least one). Unknown fields are refused by the mapper.
     */
    record RevokeManyBody(
            List<String> ids,
            String owner,
            String status,
            String scope,
            String q,
            String expiresBefore,
            String lastUsedBefore) {}

    /** What a bulk revocation did: how many tokens it revoked (already revoked ones not counted), and which. */
    record RevokedView(int revoked, List<String> ids) {}

    void revokeMany(Exchange exchange, Principal principal) {
        RevokeManyBody body = exchange.readJson(RevokeManyBody.class);
        TokenFilter filter = TokenFilter.parse(
                body.owner(), body.status(), body.scope(), body.q(), body.expiresBefore(), body.lastUsedBefore(), null);
        List<String> revoked;
        if (body.ids() != null) {
            if (filter.narrows()) {
                throw new InvalidRequestException("give ids or filters, not both", Map.of("ids", "not with filters"));
            }
            if (body.ids().isEmpty()) {
                throw new InvalidRequestException("ids: must not be empty", Map.of("ids", "must not be empty"));
            }
            revoked = revocation.revokeAll(principal, exchange.sourceIp(), body.ids());
        } else {
            revoked = revocation.revokeMatching(principal, exchange.sourceIp(), filter);
        }
        exchange.sendJson(200, new RevokedView(revoked.size(), revoked));
    }

    /** The body of approve and deny: why (required to deny). */
    record DecisionBody(String reason) {}

    /** A token plus the approval decision on it, if any. */
    record TokenDetailView(
            @com.fasterxml.jackson.annotation.JsonUnwrapped TokenView token,
            boolean usable,
            String statusReason,
            DecisionView decision,
            RateLimitsResource.AppliedLimitView rateLimit) {}

    record DecisionView(String decision, String reason, String decidedBy, Instant decidedAt) {}

    private TokenDetailView detail(TokenRecord token) {
        DecisionView decision = details.decisionOn(token)
                .map(d -> new DecisionView(d.decision(), d.reason(), d.decidedBy(), d.decidedAt()))
                .orElse(null);
        String reason = details.statusReason(token);
        return new TokenDetailView(
                TokenView.of(token, clock.instant()),
                reason == null,
                reason,
                decision,
                RateLimitsResource.AppliedLimitView.of(rateLimits.resolve(token)));
    }

    /** {@code GET /approvals}: tokens waiting for a decision. */
    void approvals(Exchange exchange, Principal principal) {
        PageRequest page =
                new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1, exchange.queryInt("size", 20, 1, 200));
        Page<TokenRecord> result = approvals.pending(principal, page);
        Instant now = clock.instant();
        exchange.sendJson(
                200,
                new PageView<>(
                        result.items().stream().map(t -> TokenView.of(t, now)).toList(),
                        result.total(),
                        result.page() + 1,
                        result.size()));
    }

    /** Last use plus the most recent requests (recorded by the gateway), newest first. */
    record ActivityView(
            String tokenId, Instant lastUsedAt, String lastUsedIp, String lastUsedAgent, List<RequestView> items) {}

    /** One request made with the token. */
    record RequestView(
            Instant at, String method, String path, int status, double latencyMs, String ip, String userAgent) {
        static RequestView of(TokenRequestRecord r) {
            return new RequestView(
                    r.at(), r.method(), r.path(), r.status(), r.latencyMicros() / 1000.0, r.clientIp(), r.userAgent());
        }
    }

    /** {@code GET /tokens} with the filters of {@link TokenFilter} as query parameters. */
    void list(Exchange exchange, Principal principal) {
        PageRequest page =
                new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1, exchange.queryInt("size", 20, 1, 200));
        TokenFilter filter = TokenFilter.parse(
                exchange.query("owner"),
                exchange.query("status"),
                exchange.query("scope"),
                exchange.query("q"),
                exchange.query("expiresBefore"),
                exchange.query("lastUsedBefore"),
                exchange.query("sort"));
        Page<TokenRecord> result = queries.list(principal, filter, page);
        Instant now = clock.instant();
        exchange.sendJson(
                200,
                new PageView<>(
                        result.items().stream().map(t -> TokenView.of(t, now)).toList(),
                        result.total(),
                        result.page() + 1,
                        result.size()));
    }

    void create(Exchange exchange, Principal principal) {
        CreateTokenBody body = exchange.readJson(CreateTokenBody.class);
        RateLimit limit =
                body.rateLimit() == null ? RateLimit.NONE : body.rateLimit().toLimit();
        // Checked before the token exists: a refused limit must not leave a token behind.
        rateLimits.requireAllowed(principal, body.owner(), limit);
        IssuedToken issued = issuer.create(
                principal,
                exchange.sourceIp(),
                new TokenRequest(
                        body.name(),
                        body.owner(),
                        expiry(body),
                        scope(body.scope()),
                        body.allowedIps(),
                        TokenRulesCodec.fromRequest(body.rules())));
        if (!limit.isNone()) {
            rateLimits.setToken(principal, exchange.sourceIp(), issued.token(), limit);
        }
        exchange.response()
                .getHeaders()
                .put("Location", ApiHandler.PREFIX + "tokens/" + issued.token().id());
        exchange.sendJson(201, IssuedTokenView.of(issued.token(), issued.secret(), clock.instant()));
    }

    private Instant expiry(CreateTokenBody body) {
        if (body.expiresAt() != null && body.expiresInDays() != null) {
            throw new InvalidRequestException(
                    "give expiresAt or expiresInDays, not both",
                    Map.of("expiresAt", "give expiresAt or expiresInDays, not both"));
        }
        if (body.expiresInDays() != null) {
            int days = body.expiresInDays();
            if (days < 1 || days > MAX_EXPIRES_IN_DAYS) {
                throw new InvalidRequestException(
                        "expiresInDays: must be from 1 to " + MAX_EXPIRES_IN_DAYS,
                        Map.of("expiresInDays", "must be from 1 to " + MAX_EXPIRES_IN_DAYS));
            }
            return clock.instant().plus(Duration.ofDays(days));
        }
        if (body.expiresAt() != null) {
            try {
                // RFC 3339 requires an offset; a local date-time would be ambiguous.
                return OffsetDateTime.parse(body.expiresAt()).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(
                        "expiresAt: not an RFC 3339 timestamp such as 2027-01-31T17:00:00Z",
                        Map.of("expiresAt", "not an RFC 3339 timestamp"));
            }
        }
        return null;
    }

    private static Scope scope(String value) {
        if (value == null) {
            return Scope.READ_ONLY;
        }
        try {
            return Scope.fromWireName(value);
        } catch (PatgateException e) {
            throw new InvalidRequestException(
                    "scope: must be read-only or read-write", Map.of("scope", "must be read-only or read-write"));
        }
    }
}
