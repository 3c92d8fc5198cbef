package org.patgate.server.ui.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.core.PatgateException;
import org.patgate.core.rules.TokenRules;
import org.patgate.core.token.Scope;
import org.patgate.server.activity.IpHistory;
import org.patgate.server.activity.TokenActivity;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.ratelimit.AppliedLimit;
import org.patgate.server.ratelimit.RateLimiter;
import org.patgate.server.ratelimit.RateLimits;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.token.IssuedToken;
import org.patgate.server.token.TokenIssuer;
import org.patgate.server.token.TokenQueries;
import org.patgate.server.token.TokenRequest;
import org.patgate.server.token.TokenRevocation;
import org.patgate.server.token.TokenRotation;
import org.patgate.server.token.TokenRulesCodec;
import org.patgate.server.token.TokenStatusDetails;

/**
 * "My tokens": list, create (secret shown once), detail with activity, revoke and rotate (both
 * confirmed first). Every action is a plain form POST; htmx requests get the changed fragment
 * instead of a page. All rules stay in the token services. Thread-safe.
 */
public final class TokenPages {

    public static final String PATH = "/.patgate/tokens";
    static final int PAGE_SIZE = 25;

    private final TokenIssuer issuer;
    private final TokenQueries tokens;
    private final TokenRevocation revocation;
    private final TokenRotation rotation;
    private final TokenStatusDetails details;
    private final TokenActivity activity;
    private final CreationLimits limits;
    private final CurlExample curl;
    private final Clock clock;
    private final RateLimits rateLimits;
    private final RateLimiter limiter;
    private final IpHistory addresses;

    public TokenPages(
            TokenIssuer issuer,
            TokenQueries tokens,
            TokenRevocation revocation,
            TokenRotation rotation,
            TokenStatusDetails details,
            TokenActivity activity,
            CreationLimits limits,
            CurlExample curl,
            Clock clock,
            RateLimits rateLimits,
            RateLimiter limiter,
            IpHistory addresses) {
        this.rateLimits = rateLimits;
        this.limiter = limiter;
        this.issuer = issuer;
        this.tokens = tokens;
        this.revocation = revocation;
        this.rotation = rotation;
        this.details = details;
        this.activity = activity;
        this.limits = limits;
        this.curl = curl;
        this.clock = clock;
        this.addresses = addresses;
    }

    public void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        boolean post = exchange.method().equals("POST");
        if (path.size() == 1) {
            if (post) {
                create(exchange);
            } else {
                list(exchange);
            }
            return;
        }
        String id = path.get(1);
        if (path.size() == 2 && id.equals("new") && !post) {
            form(exchange, 200, Views.CreateForm.forOwner(exchange.query("owner")), Map.of(), null);
        } else if (path.size() == 2 && !post) {
            detail(exchange, id);
        } else if (path.size() == 3 && path.get(2).equals("activity") && !post) {
            hourly(exchange, id);
        } else if (path.size() == 3 && path.get(2).equals("revoke")) {
            revoke(exchange, id, post);
        } else if (path.size() == 3 && path.get(2).equals("rotate")) {
            rotate(exchange, id, post);
        } else {
            throw new NotFoundException("no such page");
        }
    }

    private void list(UiExchange exchange) {
        Principal me = exchange.principal();
        int page = pageNumber(exchange.query("page"));
        Page<TokenRecord> result = tokens.list(me, me.username(), null, null, new PageRequest(page - 1, PAGE_SIZE));
        Instant now = clock.instant();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("My tokens", "tokens"));
        params.put(
                "rows",
                result.items().stream().map(t -> Views.TokenRow.of(t, now)).toList());
        params.put("paging", paging(result, PATH + "?"));
        exchange.html(200, "tokens.jte", params);
    }

    private void form(
            UiExchange exchange, int status, Views.CreateForm form, Map<String, String> errors, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("New token", "tokens"));
        params.put("form", form);
        params.put("errors", errors);
        params.put("error", error);
        params.put("limits", limits.of(exchange.principal()));
        params.put("forOthers", mayCreateForOthers(exchange.principal()));
        exchange.html(status, "token_new.jte", params);
    }

    private void create(UiExchange exchange) {
        Views.CreateForm form = new Views.CreateForm(
                value(exchange.field("name")),
                value(exchange.field("expiresOn")),
                value(exchange.field("scope")),
                value(exchange.field("allowedIps")),
                value(exchange.field("preset")),
                value(exchange.field("owner")));
        Map<String, String> errors = new LinkedHashMap<>();
        Instant expiresAt = expiry(form.expiresOn(), errors);
        Scope scope = null;
        try {
            scope = Scope.fromWireName(form.scope());
        } catch (PatgateException e) {
            errors.put("scope", "choose read-only or read-write");
        }
        List<String> ips = Arrays.stream(form.allowedIps().split("[,\\s]+"))
                .filter(s -> !s.isEmpty())
                .toList();
        TokenRules rules = TokenRules.NONE;
        try {
            rules = form.preset().isEmpty()
                    ? TokenRules.NONE
                    : TokenRulesCodec.fromRequest(new TokenRulesCodec.RulesJson(form.preset(), null, null));
        } catch (InvalidRequestException e) {
            errors.put("preset", "unknown preset");
        }
        if (!errors.isEmpty()) {
            form(exchange, 400, form, errors, null);
            return;
        }
        IssuedToken issued;
        try {
            issued = issuer.create(
                    exchange.principal(),
                    exchange.sourceIp(),
                    new TokenRequest(
                            form.name(), form.owner().isEmpty() ? null : form.owner(), expiresAt, scope, ips, rules));
        } catch (InvalidRequestException e) {
            Map<String, String> fields = new LinkedHashMap<>();
            e.fieldErrors()
                    .forEach((field, message) -> fields.put(field.equals("rules.preset") ? "preset" : field, message));
            form(exchange, 400, form, fields, fields.isEmpty() ? e.getMessage() : null);
            return;
        } catch (ConflictException e) {
            form(exchange, 409, form, Map.of(), e.getMessage());
            return;
        }
        secret(exchange, issued, false);
    }

    private Instant expiry(String expiresOn, Map<String, String> errors) {
        if (expiresOn.isEmpty()) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(expiresOn);
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            if (!day.isAfter(today)) {
                errors.put("expiresAt", "pick a day after today");
                return null;
            }
            // Same time of day as now: the last allowed day then ends exactly at the policy's limit.
            LocalTime time = LocalTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.MINUTES);
            return day.atTime(time).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.put("expiresAt", "not a date (YYYY-MM-DD)");
            return null;
        }
    }

    /** The one page that ever shows the secret; never cached (every UI answer is no-store). */
    private void secret(UiExchange exchange, IssuedToken issued, boolean rotated) {
        Views.TokenRow row = Views.TokenRow.of(issued.token(), clock.instant());
        String command = curl.command(exchange.request(), issued.secret());
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell(rotated ? "Token rotated" : "Token created", "tokens"));
        params.put("issued", new Views.Issued(row, issued.secret(), command, rotated));
        exchange.html(rotated ? 200 : 201, "token_secret.jte", params);
    }

    private void detail(UiExchange exchange, String id) {
        Principal me = exchange.principal();
        TokenRecord token = tokens.get(me, id);
        String decision = details.decisionOn(token)
                .map(d -> d.decision() + " by " + d.decidedBy() + " at " + Views.time(d.decidedAt())
                        + (d.reason() == null ? "" : ": " + d.reason()))
                .orElse(null);
        Views.TokenDetail detail = new Views.TokenDetail(
                Views.TokenRow.of(token, clock.instant()),
                token.creatorUsername(),
                token.allowedIps(),
                details.statusReason(token),
                decision,
                token.lastUsedAgent(),
                Views.time(token.rotatedAt()),
                rateLimit(token));
        Map<String, Object> params = new HashMap<>();
        params.put(
                "shell",
                exchange.shell(
                        "Token " + token.name(),
                        me.username().equals(token.ownerUsername()) ? "tokens" : "admin-tokens"));
        params.put("token", detail);
        params.put(
                "requests",
                activity.recent(me, id, 50).stream().map(Views.RequestRow::of).toList());
        params.put(
                "addresses",
                addresses.addresses(me, id).stream()
                        .map(UsagePages.AddressRow::of)
                        .toList());
        exchange.html(200, "token_detail.jte", params);
    }

    /** The limit that applies and what is left of it now (counting nothing), or "none". */
    private String rateLimit(TokenRecord token) {
        AppliedLimit applied = rateLimits.resolve(token);
        return applied == null ? "none" : limiter.peek(applied).describedWithRemaining();
    }

    /** {@code GET /tokens/{id}/activity}: requests per hour over two days, for the chart. */
    private void hourly(UiExchange exchange, String id) {
        TokenActivity.HourlyCounts counts = activity.hourly(exchange.principal(), id, 48);
        StringBuilder json = new StringBuilder("{\"hours\":[");
        for (int i = 0; i < counts.hours().size(); i++) {
            json.append(i == 0 ? "" : ",").append(counts.hours().get(i).getEpochSecond());
        }
        json.append("],\"counts\":[");
        for (int i = 0; i < counts.counts().size(); i++) {
            json.append(i == 0 ? "" : ",").append(counts.counts().get(i));
        }
        exchange.json(
                200,
                json.append("],\"total\":").append(counts.total()).append('}').toString());
    }

    private void revoke(UiExchange exchange, String id, boolean post) {
        TokenRecord token = tokens.get(exchange.principal(), id);
        if (!post || !"yes".equals(exchange.field("confirm"))) {
            confirm(exchange, token, "revoke");
            return;
        }
        TokenRecord revoked = revocation.revoke(exchange.principal(), exchange.sourceIp(), id);
        if (exchange.htmx()) {
            Map<String, Object> params = new HashMap<>();
            params.put("row", Views.TokenRow.of(revoked, clock.instant()));
            params.put("csrf", exchange.auth().session().csrfToken());
            params.put("showOwner", "admin".equals(exchange.field("view")));
            params.put("selectable", "admin".equals(exchange.field("view")));
            exchange.html(200, "token_row.jte", params);
        } else {
            exchange.redirect(PATH + "/" + revoked.id());
        }
    }

    private void rotate(UiExchange exchange, String id, boolean post) {
        TokenRecord token = tokens.get(exchange.principal(), id);
        if (!post || !"yes".equals(exchange.field("confirm"))) {
            confirm(exchange, token, "rotate");
            return;
        }
        secret(exchange, rotation.rotate(exchange.principal(), exchange.sourceIp(), id), true);
    }

    private void confirm(UiExchange exchange, TokenRecord token, String action) {
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell((action.equals("revoke") ? "Revoke " : "Rotate ") + token.name(), "tokens"));
        params.put("row", Views.TokenRow.of(token, clock.instant()));
        params.put("action", action);
        exchange.html(200, "token_confirm.jte", params);
    }

    /** Who sees the owner field: holders of create-tokens-for-others; the service decides again. */
    private static boolean mayCreateForOthers(Principal principal) {
        return principal.has(Permission.CREATE_TOKENS_FOR_OTHERS);
    }

    static int pageNumber(String value) {
        try {
            return value == null ? 1 : Math.max(1, Math.min(1_000_000, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Links to the neighbouring pages; {@code base} ends with "?" or "&". */
    static Views.Paging paging(Page<?> page, String base) {
        int number = page.page() + 1;
        long pages = Math.max(1, (page.total() + page.size() - 1) / page.size());
        return new Views.Paging(
                page.total(),
                number,
                number > 1 ? base + "page=" + (number - 1) : null,
                number < pages ? base + "page=" + (number + 1) : null);
    }

    private static String value(String field) {
        return field == null ? "" : field.strip();
    }
}
