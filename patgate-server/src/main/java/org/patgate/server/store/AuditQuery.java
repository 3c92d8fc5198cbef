package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import org.patgate.core.PatgateException;

/**
 * An audit search: exact {@code actor}, {@code action} and {@code target}, time range {@code from}
 * (inclusive) to {@code to} (exclusive). All filters are optional; {@code page} is required.
 */
public record AuditQuery(String actor, String action, String target, Instant from, Instant to, PageRequest page) {

    public AuditQuery {
        if (from != null && to != null && from.isAfter(to)) {
            throw new PatgateException("audit range start " + from + " is after its end " + to);
        }
        Objects.requireNonNull(page, "page");
    }

    /** A search without a target filter. */
    public AuditQuery(String actor, String action, Instant from, Instant to, PageRequest page) {
        this(actor, action, null, from, to, page);
    }

    /** The same search for another page. */
    public AuditQuery withPage(PageRequest other) {
        return new AuditQuery(actor, action, target, from, to, other);
    }
}
