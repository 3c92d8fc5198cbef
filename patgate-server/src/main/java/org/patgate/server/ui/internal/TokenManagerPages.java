package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.patgate.core.PatgateException;
import org.patgate.core.token.Scope;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenSort;
import org.patgate.server.token.TokenFilter;
import org.patgate.server.token.TokenQueries;
import org.patgate.server.token.TokenRevocation;

/**
 * The admin token manager under {@code /.patgate/admin/tokens}: every token, filtered by owner,
 * status, scope, name, "expires before" and "last used before" (stale tokens), sorted and paged
 * with the filter kept; bulk revocation of the selected tokens or of every token matching the
 * filter, each confirmed first with the count. Revocations go through
 * {@link TokenRevocation#revokeAll} and {@link TokenRevocation#revokeMatching}, as the API's bulk revoke
 * does. The caller is an admin (checked by {@link AdminPages}). Thread-safe.
 */
public final class TokenManagerPages {

    static final String PATH = AdminPages.PATH + "/tokens";
    /** The sorts offered, in the API's wire names, with their labels. */
    static final Map<String, String> SORTS = sorts();

    private final TokenQueries tokens;
    private final TokenRevocation revocation;
    private final Clock clock;

    public TokenManagerPages(TokenQueries tokens, TokenRevocation revocation, Clock clock) {
        this.tokens = tokens;
        this.revocation = revocation;
        this.clock = clock;
    }

    /** {@code path} is the segments after {@code /.patgate/}: {@code admin, tokens[, revoke]}. */
    public void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        boolean post = exchange.method().equals("POST");
        if (path.size() == 2 && !post) {
            list(exchange);
        } else if (path.size() == 3 && path.get(2).equals("revoke")) {
            revoke(exchange, post);
        } else {
            throw new NotFoundException("no such page");
        }
    }

    /** The filter as the form sends it: dates as {@code YYYY-MM-DD}, empty means absent. Immutable. */
    public record Filter(
            String owner,
            String status,
            String scope,
            String q,
            String expiresBefore,
            String lastUsedBefore,
            String sort) {

        static Filter from(Function<String, String> source) {
            return new Filter(
                    value(source.apply("owner")),
                    value(source.apply("status")),
                    value(source.apply("scope")),
                    value(source.apply("q")),
                    value(source.apply("expiresBefore")),
                    value(source.apply("lastUsedBefore")),
                    value(source.apply("sort")));
        }

        /** The service's filter; a bad value is a 400 naming the field. */
        TokenFilter toFilter() {
            Map<String, String> errors = new LinkedHashMap<>();
            Scope parsedScope = null;
            if (!scope.isEmpty()) {
                try {
                    parsedScope = Scope.fromWireName(scope);
                } catch (PatgateException e) {
                    errors.put("scope", "must be read-only or read-write");
                }
            }
            TokenSort parsedSort = null;
            if (!sort.isEmpty()) {
                try {
                    parsedSort = TokenSort.fromWireName(sort);
                } catch (PatgateException e) {
                    errors.put("sort", "must be one of " + TokenSort.names());
                }
            }
            Instant expires = startOf("expiresBefore", expiresBefore, errors);
            Instant lastUsed = startOf("lastUsedBefore", lastUsedBefore, errors);
            if (!errors.isEmpty()) {
                throw InvalidRequestException.of(errors);
            }
            return new TokenFilter(owner, status, parsedScope, q, expires, lastUsed, parsedSort);
        }

        /** The query string that reproduces this filter, ending with "&" when not empty. */
        String query() {
            return param("owner", owner)
                    + param("status", status)
                    + param("scope", scope)
                    + param("q", q)
                    + param("expiresBefore", expiresBefore)
                    + param("lastUsedBefore", lastUsedBefore)
                    + param("sort", sort);
        }

        /** The filter fields as name and value, for hidden inputs on the confirmation page. */
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("owner", owner);
            fields.put("status", status);
            fields.put("scope", scope);
            fields.put("q", q);
            fields.put("expiresBefore", expiresBefore);
            fields.put("lastUsedBefore", lastUsedBefore);
            fields.values().removeIf(String::isEmpty);
            return fields;
        }

        /** As {@link #fields()}, plus the sort: what a form repeats to come back to the same list. */
        public Map<String, String> fieldsWithSort() {
            Map<String, String> fields = fields();
            if (!sort.isEmpty()) {
                fields.put("sort", sort);
            }
            return fields;
        }

        /** Whether any field other than the sort narrows the tokens. */
        boolean narrows() {
            return !fields().isEmpty();
        }

        private static Instant startOf(String field, String day, Map<String, String> errors) {
            if (day.isEmpty()) {
                return null;
            }
            try {
                return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                errors.put(field, "not a date (YYYY-MM-DD)");
                return null;
            }
        }

        private static String param(String name, String value) {
            return value.isEmpty() ? "" : name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&";
        }
    }

    /** Days without use after which the one-click "Stale" view lists a token. */
    static final int STALE_DAYS = 90;

    /**
     * The "Stale" view: active tokens last used (or, never used, created) more than {@link #STALE_DAYS}
     * days ago, least recently used first — the existing filter, one click away.
     */
    static String staleView(Instant now) {
        String day = now.minus(Duration.ofDays(STALE_DAYS))
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
        return PATH + "?status=active&lastUsedBefore=" + day + "&sort=lastUsed";
    }

    private void list(UiExchange exchange) {
        Filter form = Filter.from(exchange::query);
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<TokenRecord> result;
        String problem = null;
        try {
            result =
                    tokens.list(exchange.principal(), form.toFilter(), new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        } catch (InvalidRequestException e) {
            result = new Page<>(List.of(), 0, 0, TokenPages.PAGE_SIZE);
            problem = e.getMessage();
        }
        Instant now = clock.instant();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Token manager", "admin-tokens"));
        params.put(
                "rows",
                result.items().stream().map(t -> Views.TokenRow.of(t, now)).toList());
        params.put("f", form);
        params.put("sorts", SORTS);
        params.put("problem", problem);
        params.put("revoked", exchange.query("revoked"));
        params.put(
                "matchAll",
                form.narrows() && problem == null && result.total() > 0 ? PATH + "/revoke?" + form.query() : null);
        params.put("paging", TokenPages.paging(result, PATH + "?" + form.query()));
        params.put("stale", staleView(now));
        exchange.html(200, "admin/tokens.jte", params);
    }

    /**
     * Revokes the selected tokens ({@code ids}) or every token matching the filter fields. Without
     * {@code confirm=yes} (or on GET) it only shows what would be revoked and asks.
     */
    private void revoke(UiExchange exchange, boolean post) {
        Filter form = Filter.from(post ? exchange::field : exchange::query);
        List<String> ids = post ? exchange.fields("ids") : List.of();
        boolean selected = post && "selected".equals(exchange.field("mode"));
        if (selected && ids.isEmpty()) {
            throw new InvalidRequestException("no token selected: tick the tokens to revoke first");
        }
        if (!selected && !form.narrows()) {
            throw new InvalidRequestException(
                    "select tokens, or filter them first: revoking every token at once is " + "not offered");
        }
        if (!post || !"yes".equals(exchange.field("confirm"))) {
            long count = selected
                    ? ids.size()
                    : tokens.list(exchange.principal(), form.toFilter(), new PageRequest(0, 1))
                            .total();
            Map<String, Object> params = new HashMap<>();
            params.put("shell", exchange.shell("Revoke tokens", "admin-tokens"));
            params.put("count", count);
            params.put("ids", ids);
            params.put("fields", form.fieldsWithSort());
            params.put("selected", selected);
            params.put("sample", selected ? names(exchange, ids) : List.of());
            params.put("back", PATH + "?" + form.query());
            params.put("filtered", form.fields());
            exchange.html(200, "admin/tokens_revoke.jte", params);
            return;
        }
        List<String> revoked = selected
                ? revocation.revokeAll(exchange.principal(), exchange.sourceIp(), ids)
                : revocation.revokeMatching(exchange.principal(), exchange.sourceIp(), form.toFilter());
        exchange.redirect(PATH + "?" + form.query() + "revoked=" + revoked.size());
    }

    /** The selected tokens' names and owners, for the confirmation (unknown ids fail as not found). */
    private List<String> names(UiExchange exchange, List<String> ids) {
        List<String> names = new ArrayList<>();
        for (String id : ids) {
            TokenRecord token = tokens.get(exchange.principal(), id);
            names.add(token.name() + " (" + token.ownerUsername() + ")");
        }
        return names;
    }

    private static Map<String, String> sorts() {
        Map<String, String> sorts = new LinkedHashMap<>();
        sorts.put("-created", "Newest first");
        sorts.put("created", "Oldest first");
        sorts.put("expires", "Expiring soonest");
        sorts.put("-expires", "Expiring latest");
        sorts.put("lastUsed", "Least recently used");
        sorts.put("-lastUsed", "Most recently used");
        sorts.put("name", "Name A–Z");
        sorts.put("-name", "Name Z–A");
        sorts.put("owner", "Owner A–Z");
        sorts.put("-owner", "Owner Z–A");
        return sorts;
    }

    private static String value(String field) {
        return field == null ? "" : field.strip();
    }
}
