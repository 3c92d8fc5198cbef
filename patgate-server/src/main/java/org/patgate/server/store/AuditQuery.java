package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import org.patgate.core.PatgateException;

/**
 * An audit search: exact {@code actor} and {@code action}, time range {@code from} (inclusive)
 * to {@code to} (exclusive). All filters are optional; {@code page} is required.
 */
public record AuditQuery(String actor, String action, Instant from, Instant to, PageRequest page) {

    public AuditQuery {
        if (from != null && to != null && from.isAfter(to)) {
            throw new PatgateException("audit range start " + from + " is after its end " + to);
        }
        Objects.requireNonNull(page, "page");
    }
}
