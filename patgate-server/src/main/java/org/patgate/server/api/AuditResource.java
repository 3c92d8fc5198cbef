package org.patgate.server.api;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.api.internal.Csv;
import org.patgate.server.api.internal.Exchange;
import org.patgate.server.directory.Principal;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.AuditQuery;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code GET /audit?actor=&action=&target=&from=&to=&page=&size=} and the same filters as CSV,
 * {@code GET /audit.csv}, for admins. Thread-safe.
 */
public final class AuditResource {

    static final List<String> CSV_COLUMNS = List.of("id", "occurredAt", "actor", "action", "target", "sourceIp",
            "outcome", "detail");
    /** The most rows one export holds; a larger trail is exported in time ranges. */
    static final int MAX_EXPORT_ROWS = 1_000_000;
    private static final int EXPORT_PAGE = 500;

    private final AuditRepository repository;
    private final Clock clock;

    public AuditResource(AuditRepository repository) {
        this(repository, Clock.systemUTC());
    }

    public AuditResource(AuditRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    void search(Exchange exchange, Principal principal) {
        PageRequest page = new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1,
                exchange.queryInt("size", 50, 1, 500));
        Page<AuditEvent> events = repository.search(query(exchange, principal, null, page));
        exchange.sendJson(200, new PageView<>(events.items(), events.total(), events.page() + 1, events.size()));
    }

    /**
     * Every matching event, newest first, as {@code text/csv}. Events recorded after the export
     * started are left out (the range ends at that instant at the latest), so paging stays stable.
     */
    void export(Exchange exchange, Principal principal) {
        // The range ends just after the instant the export starts (the store keeps microseconds).
        Instant latest = clock.instant().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        AuditQuery query = query(exchange, principal, latest, new PageRequest(0, EXPORT_PAGE));
        Page<AuditEvent> first = repository.search(query);
        if (first.total() > MAX_EXPORT_ROWS) {
            throw new InvalidRequestException(first.total() + " events match; export at most " + MAX_EXPORT_ROWS
                    + " at once (give from and to)");
        }
        exchange.response().getHeaders().put("Content-Disposition", "attachment; filename=\"patgate-audit.csv\"");
        exchange.sendStream(200, "text/csv; charset=utf-8; header=present", out -> {
            write(out, Csv.row(CSV_COLUMNS));
            Page<AuditEvent> page = first;
            long written = 0;
            while (!page.items().isEmpty()) {
                for (AuditEvent event : page.items()) {
                    write(out, Csv.row(Arrays.asList(Long.toString(event.id()), event.occurredAt().toString(),
                            event.actor(), event.action(), event.target(), event.sourceIp(), event.outcome(),
                            event.detail())));
                }
                written += page.items().size();
                if (written >= first.total()) {
                    break;
                }
                page = repository.search(query.withPage(new PageRequest(page.page() + 1, EXPORT_PAGE)));
            }
        });
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The filters of the request; {@code latest}, if given, caps the end of the range. */
    private static AuditQuery query(Exchange exchange, Principal principal, Instant latest, PageRequest page) {
        if (!principal.admin()) {
            throw new ForbiddenException("only administrators may read the audit log");
        }
        Instant from = instant(exchange, "from");
        Instant to = instant(exchange, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidRequestException("from must be before to", Map.of("from", "must be before to"));
        }
        if (latest != null && (to == null || to.isAfter(latest))) {
            to = latest;
        }
        if (from != null && to != null && from.isAfter(to)) {
            to = from;
        }
        return new AuditQuery(blankToNull(exchange.query("actor")), blankToNull(exchange.query("action")),
                blankToNull(exchange.query("target")), from, to, page);
    }

    private static Instant instant(Exchange exchange, String name) {
        String value = exchange.query(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(name + ": not an RFC 3339 timestamp such as 2027-01-31T17:00:00Z",
                    Map.of(name, "not an RFC 3339 timestamp"));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
