package org.patgate.server.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.api.internal.Exchange;
import org.patgate.server.directory.Principal;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.AuditQuery;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/** {@code GET /audit?actor=&action=&from=&to=&page=&size=} for admins. Thread-safe. */
public final class AuditResource {

    private final AuditRepository repository;

    public AuditResource(AuditRepository repository) {
        this.repository = repository;
    }

    boolean handle(Exchange exchange, Principal principal) {
        if (exchange.segments().size() != 1) {
            return false;
        }
        if (!exchange.method().equals("GET")) {
            return ApiHandler.methodNotAllowed(exchange, "GET");
        }
        if (!principal.admin()) {
            throw new ForbiddenException("only administrators may read the audit log");
        }
        Instant from = instant(exchange, "from");
        Instant to = instant(exchange, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidRequestException("from must be before to", Map.of("from", "must be before to"));
        }
        PageRequest page = new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1,
                exchange.queryInt("size", 50, 1, 500));
        Page<AuditEvent> events = repository.search(new AuditQuery(blankToNull(exchange.query("actor")),
                blankToNull(exchange.query("action")), from, to, page));
        exchange.sendJson(200, new PageView<>(events.items(), events.total(), events.page() + 1, events.size()));
        return true;
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
