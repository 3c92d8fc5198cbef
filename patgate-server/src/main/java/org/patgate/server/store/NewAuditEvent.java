package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import org.patgate.core.PatgateException;

/**
 * An audit event to append. {@code occurredAt} and {@code action} are required, the rest may be
 * null. Over-long values are truncated by {@link AuditRepository#append}, not refused, so an
 * audit write never fails for the length of a user-supplied string.
 */
public record NewAuditEvent(
        Instant occurredAt,
        String actor,
        String action,
        String target,
        String sourceIp,
        String outcome,
        String detail) {

    public NewAuditEvent {
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (action == null || action.isBlank()) {
            throw new PatgateException("audit action must not be blank");
        }
    }
}
