package org.patgate.server.ui.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.activity.UsageReport;
import org.patgate.server.activity.UsageReport.Sort;
import org.patgate.server.activity.UsageReport.Window;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.http.Json;
import org.patgate.server.store.UsageCount;
import org.patgate.server.store.UsageDimension;
import org.patgate.server.store.UsageTotals;

/**
 * The admin page "Top consumers" ({@code /.patgate/admin/usage}): window and dimension tabs, a table
 * sortable by its counters with links to the tokens' pages, and a chart of the top consumers over time
 * whose data ({@code /.patgate/admin/usage/series}) the page's own script fetches (no inline script,
 * for the CSP). Unknown tab values fall back to the defaults rather than failing the page. Thread-safe.
 */
public final class UsagePages {

    public static final String PATH = AdminPages.PATH + "/usage";
    private static final int ROWS = 25;
    private static final int CHARTED = 5;

    /** One row of the table; numbers already formatted. */
    public record UsageRow(
            int rank,
            String key,
            String label,
            String link,
            long requests,
            long refused,
            String refusals,
            long rateLimited,
            long ok,
            long clientErrors,
            long serverErrors,
            String p50,
            String p95) {}

    /** One address a token was used from, for the token's page. */
    public record AddressRow(String address, String firstSeen, String lastSeen, String agent) {
        static AddressRow of(org.patgate.server.store.TokenAddress address) {
            return new AddressRow(
                    address.address(),
                    Views.time(address.firstSeen()),
                    Views.time(address.lastSeen()),
                    address.userAgent() == null ? "—" : address.userAgent());
        }
    }

    /** A tab or a sortable column: its label, where it leads, and whether it is the current one. */
    public record Choice(String label, String href, boolean current) {}

    private final UsageReport report;

    public UsagePages(UsageReport report) {
        this.report = report;
    }

    public void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        if (exchange.method().equals("POST") || path.size() > 3) {
            throw new NotFoundException("no such page");
        }
        UsageDimension by = pick(exchange.query("by"), UsageDimension.values(), UsageDimension.TOKEN);
        Window window = pick(exchange.query("window"), Window.values(), Window.DAY);
        if (path.size() == 3) {
            if (!path.get(2).equals("series")) {
                throw new NotFoundException("no such page");
            }
            exchange.json(
                    200,
                    new String(
                            Json.write(report.chart(exchange.principal(), by, window, CHARTED)),
                            java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        Sort sort = pick(exchange.query("sort"), Sort.values(), Sort.REQUESTS);
        List<UsageTotals> top = report.top(exchange.principal(), by, window, sort, ROWS);
        List<UsageRow> rows = new ArrayList<>();
        for (UsageTotals totals : top) {
            rows.add(row(rows.size() + 1, totals));
        }
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Top consumers", "admin-usage"));
        params.put("rows", rows);
        params.put("byLabel", byLabel(by));
        params.put("windowLabel", windowLabel(window));
        params.put("windows", choices(Window.values(), window, w -> windowLabel(w), w -> link(by, w, sort)));
        params.put("dimensions", choices(UsageDimension.values(), by, UsagePages::byLabel, d -> link(d, window, sort)));
        Map<String, String> sorts = new HashMap<>();
        for (Sort s : Sort.values()) {
            sorts.put(s.wireName(), link(by, window, s));
        }
        params.put("sorts", sorts);
        params.put("sort", sort.wireName());
        params.put("seriesSrc", PATH + "/series?by=" + by.wireName() + "&window=" + window.wireName());
        params.put("csv", "/.patgate/api/v1/usage/top?" + query(by, window, sort) + "&format=csv");
        exchange.html(200, "admin/usage.jte", params);
    }

    private static UsageRow row(int rank, UsageTotals totals) {
        List<String> refusals = new ArrayList<>();
        totals.refusals().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> refusals.add(e.getKey() + " " + e.getValue()));
        return new UsageRow(
                rank,
                totals.key(),
                totals.label() == null ? totals.key() : totals.label(),
                totals.tokenId() == null ? null : "/.patgate/tokens/" + totals.tokenId(),
                totals.get(UsageCount.REQUESTS),
                totals.get(UsageCount.REFUSED),
                String.join(", ", refusals),
                totals.get(UsageCount.RATE_LIMITED),
                totals.get(UsageCount.STATUS_2XX),
                totals.get(UsageCount.STATUS_2XX + 2),
                totals.get(UsageCount.STATUS_2XX + 3),
                millis(UsageReport.quantileMillis(totals, 0.5)),
                millis(UsageReport.quantileMillis(totals, 0.95)));
    }

    private static String millis(Double value) {
        if (value == null) {
            return "—";
        }
        return "≤ " + (value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString()) + " ms";
    }

    private static String query(UsageDimension by, Window window, Sort sort) {
        return "by=" + by.wireName() + "&window=" + window.wireName() + "&sort=" + sort.wireName();
    }

    private static String link(UsageDimension by, Window window, Sort sort) {
        return PATH + "?" + query(by, window, sort);
    }

    static String byLabel(UsageDimension by) {
        return switch (by) {
            case TOKEN -> "Token";
            case USER -> "User";
            case IP -> "Client address";
            case PATH -> "Path group";
        };
    }

    static String windowLabel(Window window) {
        return switch (window) {
            case HOUR -> "Last hour";
            case DAY -> "Last day";
            case WEEK -> "Last week";
        };
    }

    private static <E> List<Choice> choices(
            E[] values,
            E current,
            java.util.function.Function<E, String> label,
            java.util.function.Function<E, String> href) {
        List<Choice> choices = new ArrayList<>();
        for (E value : values) {
            choices.add(new Choice(label.apply(value), href.apply(value), value == current));
        }
        return choices;
    }

    private static <E extends Enum<E>> E pick(String wire, E[] values, E fallback) {
        if (wire == null) {
            return fallback;
        }
        for (E value : values) {
            if (value.name().replace("_", "").equalsIgnoreCase(wire)) {
                return value;
            }
        }
        return fallback;
    }
}
