package org.patgate.server.store;

import java.time.Instant;

/**
 * One notice to one recipient, as queued and logged ({@code notification_deliveries}). {@code payload}
 * is the mail text or webhook JSON; it never holds a secret. {@code groupKey} names the group whose
 * webhook this is (null for mail). Immutable.
 */
public record DeliveryRecord(
        long id,
        String event,
        String tokenId,
        String channel,
        String recipient,
        String groupKey,
        String subject,
        String payload,
        String status,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Instant createdAt,
        Instant sentAt) {}
