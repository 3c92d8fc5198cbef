package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;

/** A stored audit event. Only {@code occurredAt} and {@code action} are always present. Immutable. */
public record AuditEvent(
        long id,
        Instant occurredAt,
        String actor,
        String action,
        String target,
        String sourceIp,
        String outcome,
        String detail) {

    public AuditEvent {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(action, "action");
    }
}
