package org.patgate.server.audit;

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
import java.util.function.Consumer;
import java.util.function.Function;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.AuditQuery;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * The audit filters ({@code actor}, {@code action}, {@code target}, {@code from}, {@code to}) and
 * the CSV export of the matching events, shared by the management API ({@code /audit.csv}) and the
 * web UI so both read the same parameters and write the same file. Stateless and thread-safe.
 */
public final class AuditExport {

    public static final List<String> CSV_COLUMNS =
            List.of("id", "occurredAt", "actor", "action", "target", "sourceIp", "outcome", "detail");
    /** The most rows one export holds; a larger trail is exported in time ranges. */
    public static final int MAX_EXPORT_ROWS = 1_000_000;

    public static final String CONTENT_TYPE = "text/csv; charset=utf-8; header=present";
    public static final String CONTENT_DISPOSITION = "attachment; filename=\"patgate-audit.csv\"";
    private static final int EXPORT_PAGE = 500;

    private AuditExport() {}

    /**
     * The search that {@code parameter} (name to value, null when absent) describes, for admins only.
     * {@code from} and {@code to} are RFC 3339 timestamps; {@code latest}, if given, caps the end of the range.
     *
     * @throws ForbiddenException      for a non-admin
     * @throws InvalidRequestException naming the offending filter
     */
    public static AuditQuery query(
            Function<String, String> parameter, Principal principal, Instant latest, PageRequest page) {
        principal.requireAdmin("read the audit log");
        Instant from = instant(parameter, "from");
        Instant to = instant(parameter, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidRequestException("from must be before to", Map.of("from", "must be before to"));
        }
        if (latest != null && (to == null || to.isAfter(latest))) {
            to = latest;
        }
        if (from != null && to != null && from.isAfter(to)) {
            to = from;
        }
        return new AuditQuery(
                blankToNull(parameter.apply("actor")),
                blankToNull(parameter.apply("action")),
                blankToNull(parameter.apply("target")),
                from,
                to,
                page);
    }

    /** The end of an export's range: just after now (the store keeps microseconds). */
    public static Instant exportLatest(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
    }

    /**
     * Checks the size of an export of every event {@code query} matches, newest first, and returns
     * the writer of its CSV (header row included). Call with a query built with
     * {@link #exportLatest}, so events recorded after the export started stay out and paging is stable.
     *
     * @throws InvalidRequestException when more than {@link #MAX_EXPORT_ROWS} events match
     */
    public static Consumer<OutputStream> csv(AuditRepository repository, AuditQuery query) {
        AuditQuery paged = query.withPage(new PageRequest(0, EXPORT_PAGE));
        Page<AuditEvent> first = repository.search(paged);
        if (first.total() > MAX_EXPORT_ROWS) {
            throw new InvalidRequestException(
                    first.total() + " events match; export at most " + MAX_EXPORT_ROWS + " at once (give from and to)");
        }
        return out -> {
            write(out, Csv.row(CSV_COLUMNS));
            Page<AuditEvent> page = first;
            long written = 0;
            while (!page.items().isEmpty()) {
                for (AuditEvent event : page.items()) {
                    write(
                            out,
                            Csv.row(Arrays.asList(
                                    Long.toString(event.id()),
                                    event.occurredAt().toString(),
                                    event.actor(),
                                    event.action(),
                                    event.target(),
                                    event.sourceIp(),
                                    event.outcome(),
                                    event.detail())));
                }
                written += page.items().size();
                if (written >= first.total()) {
                    break;
                }
                page = repository.search(paged.withPage(new PageRequest(page.page() + 1, EXPORT_PAGE)));
            }
        };
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(Function<String, String> parameter, String name) {
        String value = parameter.apply(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(
                    name + ": not an RFC 3339 timestamp such as 2027-01-31T17:00:00Z",
                    Map.of(name, "not an RFC 3339 timestamp"));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
