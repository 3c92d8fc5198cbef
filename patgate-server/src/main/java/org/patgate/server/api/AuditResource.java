package org.patgate.server.api;

import org.patgate.server.audit.AuditExport;
import java.time.Clock;
import java.time.Instant;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.AuditQuery;
import org.patgate.server.store.AuditRepository;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code GET /audit?actor=&action=&target=&from=&to=&page=&size=} and the same filters as CSV,
 * {@code GET /audit.csv}, for admins. Filters and CSV are {@link AuditExport}'s. Thread-safe.
 */
public final class AuditResource {

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
        Instant latest = AuditExport.exportLatest(clock);
        var writer = AuditExport.csv(repository, query(exchange, principal, latest, new PageRequest(0, 1)));
        exchange.response().getHeaders().put("Content-Disposition", AuditExport.CONTENT_DISPOSITION);
        exchange.sendStream(200, AuditExport.CONTENT_TYPE, writer);
    }

    private static AuditQuery query(Exchange exchange, Principal principal, Instant latest, PageRequest page) {
        return AuditExport.query(exchange::query, principal, latest, page);
    }
}
