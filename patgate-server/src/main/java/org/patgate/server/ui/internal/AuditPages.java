package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.patgate.server.audit.AuditExport;
import org.patgate.server.audit.AuditTrail;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code /.patgate/admin/audit}: the audit trail, newest first, filtered by actor, action, target
 * and time range, in pages; and {@code /.patgate/admin/audit.csv}, the same filters as the API's CSV
 * export (the API wants a CSRF header even on GET, which a download link cannot send). Filters and
 * CSV are the API's ({@link AuditExport}); the form's {@code datetime-local} values are read as UTC.
 * Thread-safe.
 */
public final class AuditPages {

    static final String PATH = AdminPages.PATH + "/audit";
    private static final List<String> FILTERS = List.of("actor", "action", "target", "from", "to");

    private final AuditTrail trail;

    public AuditPages(AuditTrail trail) {
        this.trail = trail;
    }

    void list(UiExchange exchange) {
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<AuditEvent> result;
        String problem = null;
        try {
            result = trail.search(
                    exchange.principal(), parameters(exchange), new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        } catch (InvalidRequestException e) {
            result = new Page<>(List.of(), 0, 0, TokenPages.PAGE_SIZE);
            problem = e.getMessage();
        }
        Map<String, String> filters = new HashMap<>();
        StringBuilder query = new StringBuilder();
        for (String name : FILTERS) {
            String value = exchange.query(name);
            filters.put(name, value == null ? "" : value);
            if (value != null) {
                query.append(name)
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8))
                        .append('&');
            }
        }
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Audit log", "admin-audit"));
        params.put("rows", result.items().stream().map(Views.AuditRow::of).toList());
        params.put("filters", filters);
        params.put("problem", problem);
        params.put("csv", PATH + ".csv" + (query.isEmpty() ? "" : "?" + query.substring(0, query.length() - 1)));
        params.put("paging", TokenPages.paging(result, PATH + "?" + query));
        exchange.html(200, "admin/audit.jte", params);
    }

    void csv(UiExchange exchange) {
        var writer = trail.export(exchange.principal(), parameters(exchange));
        exchange.response().getHeaders().put("Content-Disposition", AuditExport.CONTENT_DISPOSITION);
        exchange.sendStream(200, AuditExport.CONTENT_TYPE, writer);
    }

    /** The query's filters, with a form's {@code 2027-01-31T17:00} (no offset) taken as UTC. */
    private static Function<String, String> parameters(UiExchange exchange) {
        return name -> {
            String value = exchange.query(name);
            if (value != null && (name.equals("from") || name.equals("to"))) {
                try {
                    return LocalDateTime.parse(value.strip()).toString() + "Z";
                } catch (DateTimeParseException e) {
                    return value.strip(); // RFC 3339 with an offset, or refused by the shared parser
                }
            }
            return value;
        };
    }
}
