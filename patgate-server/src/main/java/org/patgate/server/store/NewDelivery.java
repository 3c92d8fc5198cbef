package org.patgate.server.store;

/**
 * A notice to queue: {@code dedupKey} is unique across all deliveries, so the same notice is queued
 * once however often it is produced. Immutable.
 */
public record NewDelivery(
        String dedupKey,
        String event,
        String tokenId,
        String channel,
        String recipient,
        String groupKey,
        String subject,
        String payload) {}
