package org.patgate.server.activity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.UsageCount;
import org.patgate.server.store.UsageCounterRepository;
import org.patgate.server.store.UsageCounterRepository.Span;
import org.patgate.server.store.UsageDimension;
import org.patgate.server.store.UsagePoint;
import org.patgate.server.store.UsageTotals;

/**
 * Usage analytics for admins: the top consumers of a window by token, user, client address or path
 * group, and their requests over time for a chart. Reads the counters {@link UsageCounters} writes; a
 * window reaches back from the current minute (hour, day) or hour (week). Thread-safe.
 */
public final class UsageReport {

    /** How far back a report looks, which rows it sums, and the step of its series. */
    public enum Window {
        HOUR(Span.MINUTE, Duration.ofHours(1), Span.MINUTE),
        DAY(Span.MINUTE, Duration.ofDays(1), Span.HOUR),
        WEEK(Span.HOUR, Duration.ofDays(7), Span.HOUR);

        final Span rows;
        final Duration length;
        final Span step;

        Window(Span rows, Duration length, Span step) {
            this.rows = rows;
            this.length = length;
            this.step = step;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The first bucket start of {@code span} inside the window ending with {@code now}'s bucket. */
        Instant since(Instant now, Span span) {
            ChronoUnit unit = span == Span.MINUTE ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
            return now.truncatedTo(unit).plus(1, unit).minus(length);
        }
    }

    /** What the top list is ordered by (largest first). */
    public enum Sort {
        REQUESTS("requests", "requests"),
        REFUSED("refused", "refused"),
        RATE_LIMITED("rateLimited", "rate_limited"),
        SERVER_ERRORS("serverErrors", "status_5xx"),
        P95("p95", "requests");

        private final String wireName;
        private final String column;

        Sort(String wireName, String column) {
            this.wireName = wireName;
            this.column = column;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** One consumer's requests in each step of the window, oldest first, zeros included. */
    public record Series(String key, String label, List<Long> requests) {
        public Series {
            requests = List.copyOf(requests);
        }
    }

    /** The steps' start times and one series per top consumer. */
    public record Chart(List<Instant> steps, List<Series> series) {
        public Chart {
            steps = List.copyOf(steps);
            series = List.copyOf(series);
        }
    }

    /** The most rows a p95 ordering looks at (the busiest keys). */
    private static final int P95_CANDIDATES = 1_000;

    private final UsageCounterRepository store;
    private final Clock clock;

    public UsageReport(UsageCounterRepository store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The top {@code limit} keys of the window by {@code sort}; admins only. */
    public List<UsageTotals> top(Principal actor, UsageDimension by, Window window, Sort sort, int limit) {
        actor.requireAdmin("read usage analytics");
        Instant since = window.since(clock.instant(), window.rows);
        if (sort != Sort.P95) {
            return store.top(by, window.rows, since, sort.column, limit);
        }
        List<UsageTotals> candidates = new ArrayList<>(store.top(by, window.rows, since, sort.column, P95_CANDIDATES));
        candidates.sort(Comparator.comparingLong((UsageTotals t) -> t.latencyQuantileMicros(0.95))
                .reversed()
                .thenComparing(UsageTotals::key));
        return candidates.subList(0, Math.min(limit, candidates.size()));
    }

    /** Requests per step of the window for the top {@code limit} keys by requests; admins only. */
    public Chart chart(Principal actor, UsageDimension by, Window window, int limit) {
        List<UsageTotals> top = top(actor, by, window, Sort.REQUESTS, limit);
        Instant since = window.since(clock.instant(), window.step);
        ChronoUnit unit = window.step == Span.MINUTE ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
        int steps = (int) (window.length.toMinutes() / (unit == ChronoUnit.MINUTES ? 1 : 60));
        List<Instant> starts = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            starts.add(since.plus(i, unit));
        }
        Map<String, long[]> counts = new HashMap<>();
        top.forEach(t -> counts.put(t.key(), new long[steps]));
        for (UsagePoint point : store.series(
                by, window.step, since, top.stream().map(UsageTotals::key).toList())) {
            int index = (int) unit.between(since, point.bucket());
            long[] series = counts.get(point.key());
            if (series != null && index >= 0 && index < steps) {
                series[index] += point.requests();
            }
        }
        List<Series> series = new ArrayList<>();
        for (UsageTotals totals : top) {
            List<Long> values = new ArrayList<>(steps);
            for (long value : counts.get(totals.key())) {
                values.add(value);
            }
            series.add(new Series(totals.key(), totals.label() == null ? totals.key() : totals.label(), values));
        }
        return new Chart(starts, series);
    }

    /**
     * A latency quantile of a row in milliseconds: the upper bound of its latency bucket; the last
     * bound (10000) when it fell beyond it; null without forwarded requests.
     */
    public static Double quantileMillis(UsageTotals totals, double quantile) {
        long micros = totals.latencyQuantileMicros(quantile);
        if (micros < 0) {
            return null;
        }
        long[] bounds = UsageCount.LATENCY_BOUNDS_MICROS;
        return (micros == Long.MAX_VALUE ? bounds[bounds.length - 1] : micros) / 1000.0;
    }

    /** The status-class counts of a row: {@code 2xx}..{@code 5xx}. */
    public static Map<String, Long> statusClasses(UsageTotals totals) {
        Map<String, Long> classes = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            classes.put((i + 2) + "xx", totals.get(UsageCount.STATUS_2XX + i));
        }
        return classes;
    }
}
