package org.patgate.server.api;

import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.audit.AuditExport;
import org.patgate.server.audit.AuditTrail;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.AuditEvent;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code GET /audit?actor=&action=&target=&from=&to=&page=&size=} and the same filters as CSV,
 * {@code GET /audit.csv}, for admins, read through {@link AuditTrail}. Filters and CSV are
 * {@link AuditExport}'s. Thread-safe.
 */
public final class AuditResource {

    private final AuditTrail trail;

    public AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    void search(Exchange exchange, Principal principal) {
        PageRequest page =
                new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1, exchange.queryInt("size", 50, 1, 500));
        Page<AuditEvent> events = trail.search(principal, exchange::query, page);
        exchange.sendJson(200, new PageView<>(events.items(), events.total(), events.page() + 1, events.size()));
    }

    /**
     * Every matching event, newest first, as {@code text/csv}. Events recorded after the export
     * started are left out (the range ends at that instant at the latest), so paging stays stable.
     */
    void export(Exchange exchange, Principal principal) {
        var writer = trail.export(principal, exchange::query);
        exchange.response().getHeaders().put("Content-Disposition", AuditExport.CONTENT_DISPOSITION);
        exchange.sendStream(200, AuditExport.CONTENT_TYPE, writer);
    }
}
