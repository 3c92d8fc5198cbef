package org.patgate.server.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.activity.IpHistory;
import org.patgate.server.activity.UsageReport;
import org.patgate.server.activity.UsageReport.Sort;
import org.patgate.server.activity.UsageReport.Window;
import org.patgate.server.audit.Csv;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.UsageCount;
import org.patgate.server.store.UsageDimension;
import org.patgate.server.store.UsageTotals;

/**
 * Usage analytics for admins ({@code GET /usage/top} as JSON or CSV, {@code GET /usage/series} for a
 * chart) and a token's client addresses ({@code GET /tokens/{id}/addresses}, for whoever may see the
 * token). Parameters are checked here; a bad one is a 400 naming it. Thread-safe.
 */
public final class UsageResource {

    static final String CSV_TYPE = "text/csv; charset=utf-8; header=present";
    private static final List<String> CSV_COLUMNS = List.of(
            "key",
            "label",
            "requests",
            "refused",
            "rateLimited",
            "status2xx",
            "status3xx",
            "status4xx",
            "status5xx",
            "p50Ms",
            "p95Ms",
            "refusals");

    private final UsageReport report;
    private final IpHistory addresses;

    public UsageResource(UsageReport report, IpHistory addresses) {
        this.report = report;
        this.addresses = addresses;
    }

    /** One consumer of a window, as the API shows it. */
    public record TopRow(
            String key,
            String label,
            String tokenId,
            String link,
            long requests,
            long refused,
            Map<String, Long> refusals,
            long rateLimited,
            Map<String, Long> statusClasses,
            Double p50Ms,
            Double p95Ms) {

        public static TopRow of(UsageTotals totals) {
            return new TopRow(
                    totals.key(),
                    totals.label() == null ? totals.key() : totals.label(),
                    totals.tokenId(),
                    totals.tokenId() == null ? null : "/.patgate/tokens/" + totals.tokenId(),
                    totals.get(UsageCount.REQUESTS),
                    totals.get(UsageCount.REFUSED),
                    new java.util.TreeMap<>(totals.refusals()),
                    totals.get(UsageCount.RATE_LIMITED),
                    UsageReport.statusClasses(totals),
                    UsageReport.quantileMillis(totals, 0.5),
                    UsageReport.quantileMillis(totals, 0.95));
        }
    }

    record TopView(String by, String window, String sort, List<TopRow> items) {}

    record SeriesView(String by, String window, List<Instant> steps, List<UsageReport.Series> series) {}

    record AddressView(String address, Instant firstSeen, Instant lastSeen, String userAgent) {}

    record AddressesView(String tokenId, List<AddressView> items) {}

    /** {@code GET /usage/top?by=&window=&sort=&limit=&format=}: JSON, or CSV when asked for. */
    void top(Exchange exchange, Principal principal) {
        UsageDimension by =
                choice(exchange, "by", UsageDimension.TOKEN, UsageDimension.values(), UsageDimension::wireName);
        Window window = choice(exchange, "window", Window.DAY, Window.values(), Window::wireName);
        Sort sort = choice(exchange, "sort", Sort.REQUESTS, Sort.values(), Sort::wireName);
        int limit = exchange.queryInt("limit", 20, 1, 500);
        boolean csv = wantsCsv(exchange);
        List<TopRow> rows = report.top(principal, by, window, sort, limit).stream()
                .map(TopRow::of)
                .toList();
        if (csv) {
            exchange.response()
                    .getHeaders()
                    .put("Content-Disposition", "attachment; filename=\"patgate-usage-" + by.wireName() + ".csv\"");
            exchange.sendStream(200, CSV_TYPE, out -> writeCsv(out, rows));
        } else {
            exchange.sendJson(200, new TopView(by.wireName(), window.wireName(), sort.wireName(), rows));
        }
    }

    /** {@code GET /usage/series?by=&window=&limit=}: requests per step of the top consumers, for a chart. */
    void series(Exchange exchange, Principal principal) {
        UsageDimension by =
                choice(exchange, "by", UsageDimension.TOKEN, UsageDimension.values(), UsageDimension::wireName);
        Window window = choice(exchange, "window", Window.DAY, Window.values(), Window::wireName);
        int limit = exchange.queryInt("limit", 5, 1, 20);
        UsageReport.Chart chart = report.chart(principal, by, window, limit);
        exchange.sendJson(200, new SeriesView(by.wireName(), window.wireName(), chart.steps(), chart.series()));
    }

    /** {@code GET /tokens/{id}/addresses}: the token's last distinct client addresses, newest first. */
    void addresses(Exchange exchange, Principal principal) {
        String id = exchange.pathParameter("id");
        List<AddressView> items = addresses.addresses(principal, id).stream()
                .map(a -> new AddressView(a.address(), a.firstSeen(), a.lastSeen(), a.userAgent()))
                .toList();
        exchange.sendJson(200, new AddressesView(id, items));
    }

    private static boolean wantsCsv(Exchange exchange) {
        String format = exchange.query("format");
        if (format != null && !format.isEmpty()) {
            return switch (format) {
                case "csv" -> true;
                case "json" -> false;
                default ->
                    throw new InvalidRequestException(
                            "query parameter 'format' must be one of [json, csv]",
                            Map.of("format", "one of [json, csv]"));
            };
        }
        String accept = exchange.request().getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private static <E> E choice(
            Exchange exchange, String name, E fallback, E[] values, java.util.function.Function<E, String> wireName) {
        String value = exchange.query(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        for (E candidate : values) {
            if (wireName.apply(candidate).equals(value)) {
                return candidate;
            }
        }
        List<String> names = Arrays.stream(values).map(wireName).toList();
        throw new InvalidRequestException(
                "query parameter '" + name + "' must be one of " + names, Map.of(name, "one of " + names));
    }

    private static void writeCsv(OutputStream out, List<TopRow> rows) {
        try {
            out.write(Csv.row(CSV_COLUMNS).getBytes(StandardCharsets.UTF_8));
            for (TopRow row : rows) {
                List<String> cells = new ArrayList<>();
                cells.add(row.key());
                cells.add(row.label());
                cells.add(Long.toString(row.requests()));
                cells.add(Long.toString(row.refused()));
                cells.add(Long.toString(row.rateLimited()));
                row.statusClasses().values().forEach(v -> cells.add(Long.toString(v)));
                cells.add(row.p50Ms() == null ? "" : row.p50Ms().toString());
                cells.add(row.p95Ms() == null ? "" : row.p95Ms().toString());
                cells.add(String.join(
                        " ",
                        row.refusals().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .toList()));
                out.write(Csv.row(cells).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
