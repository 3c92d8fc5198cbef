package org.patgate.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.patgate.server.store.internal.Jdbc;

/**
 * The notification outbox and delivery log ({@code notification_deliveries}) and the groups'
 * notification targets ({@code notification_targets}). A delivery is claimed before it is sent (its
 * attempt count moves on only for the one caller that claims it), so several nodes draining the same
 * outbox never send one notice twice at once. Thread-safe.
 */
public final class NotificationRepository {

    // The secret as stored: encrypted in webhook_secret_encrypted (V17); in plain in webhook_secret from
    // an earlier version until it is encrypted.
    private static final String TARGET_COLUMNS =
            "group_key, email, webhook_url, COALESCE(webhook_secret_encrypted, webhook_secret) AS webhook_secret";
    private static final String TARGETS = "SELECT " + TARGET_COLUMNS + " FROM notification_targets ORDER BY group_key";
    private static final String TARGET = "SELECT " + TARGET_COLUMNS + " FROM notification_targets WHERE group_key = ?";
    private static final String DELETE_TARGET = "DELETE FROM notification_targets WHERE group_key = ?";
    private static final String ENCRYPT_SECRET = """
            UPDATE notification_targets SET webhook_secret_encrypted = ?, webhook_secret = NULL
            WHERE group_key = ? AND webhook_secret = ? AND webhook_secret_encrypted IS NULL""";
    private static final String INSERT_TARGET = """
            INSERT INTO notification_targets (group_key, email, webhook_url, webhook_secret_encrypted)
            VALUES (?, ?, ?, ?)""";

    private static final String DELIVERY_COLUMNS = """
            id, event, token_id, channel, recipient, group_key, subject, payload, status, attempts, next_attempt_at,
            last_error, created_at, sent_at""";
    private static final String INSERT_DELIVERY = """
            INSERT INTO notification_deliveries (dedup_key, event, token_id, channel, recipient, group_key, subject,
                                                 payload, status, attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)""";
    private static final String EXISTS = "SELECT COUNT(*) FROM notification_deliveries WHERE dedup_key = ?";
    private static final String DUE = "SELECT " + DELIVERY_COLUMNS + """
             FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id FETCH FIRST ? ROWS ONLY""";
    private static final String CLAIM = """
            UPDATE notification_deliveries SET attempts = attempts + 1, next_attempt_at = ?
            WHERE id = ? AND status = 'pending' AND attempts = ?""";
    private static final String SENT = """
            UPDATE notification_deliveries SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?""";
    private static final String RETRY = """
            UPDATE notification_deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ?""";
    private static final String FAILED = """
            UPDATE notification_deliveries SET status = 'failed', last_error = ? WHERE id = ?""";
    private static final String LIST = "SELECT " + DELIVERY_COLUMNS + " FROM notification_deliveries";
    private static final String COUNT = "SELECT COUNT(*) FROM notification_deliveries";
    private static final String NEWEST_FIRST = " ORDER BY id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";

    private final Jdbc jdbc;

    NotificationRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<NotificationTargetRecord> targets() {
        return jdbc.list("read notification targets", TARGETS, Jdbc.NO_PARAMETERS, NotificationRepository::target);
    }

    public Optional<NotificationTargetRecord> target(String groupKey) {
        return jdbc.one(
                "read the notification target of '" + groupKey + "'",
                TARGET,
                s -> s.setString(1, groupKey),
                NotificationRepository::target);
    }

    /** Sets a group's target, replacing any previous one; its webhook secret as the caller encrypted it. */
    public void putTarget(NotificationTargetRecord target) {
        jdbc.inTransaction("set the notification target of '" + target.groupKey() + "'", connection -> {
            Jdbc.update(connection, DELETE_TARGET, s -> s.setString(1, target.groupKey()));
            Jdbc.update(connection, INSERT_TARGET, s -> {
                s.setString(1, target.groupKey());
                s.setString(2, target.email());
                s.setString(3, target.webhookUrl());
                s.setString(4, target.webhookSecret());
            });
            return null;
        });
    }

    /**
     * Puts {@code encrypted} in place of the webhook secret an earlier version stored in plain for
     * {@code groupKey}, only while that is still {@code plain} (another node may have set a new one
     * meanwhile); true when replaced.
     */
    public boolean encryptWebhookSecret(String groupKey, String plain, String encrypted) {
        return jdbc.update("encrypt the webhook secret of '" + groupKey + "'", ENCRYPT_SECRET, s -> {
                    s.setString(1, encrypted);
                    s.setString(2, groupKey);
                    s.setString(3, plain);
                })
                > 0;
    }

    public boolean deleteTarget(String groupKey) {
        return jdbc.update(
                        "remove the notification target of '" + groupKey + "'",
                        DELETE_TARGET,
                        s -> s.setString(1, groupKey))
                > 0;
    }

    /**
     * Queues a delivery, due at once; false when one with the same dedup key exists (queued before, by
     * this node or another). Must not run inside a transaction: a refused duplicate would spoil it.
     */
    public boolean enqueue(NewDelivery delivery, Instant now) {
        if (jdbc.count("look for a queued notice", EXISTS, s -> s.setString(1, delivery.dedupKey())) > 0) {
            return false;
        }
        try {
            jdbc.update("queue a notice", INSERT_DELIVERY, s -> {
                s.setString(1, delivery.dedupKey());
                s.setString(2, delivery.event());
                s.setString(3, delivery.tokenId());
                s.setString(4, delivery.channel());
                s.setString(5, delivery.recipient());
                s.setString(6, delivery.groupKey());
                s.setString(7, delivery.subject());
                s.setString(8, delivery.payload());
                Jdbc.setInstant(s, 9, now);
                Jdbc.setInstant(s, 10, now);
            });
            return true;
        } catch (DuplicateKeyException e) {
            // Another node queued the same notice between the look and the insert.
            return false;
        }
    }

    /** Pending deliveries due at {@code now}, oldest first, at most {@code limit}. */
    public List<DeliveryRecord> due(Instant now, int limit) {
        return jdbc.list(
                "read due notices",
                DUE,
                s -> {
                    Jdbc.setInstant(s, 1, now);
                    s.setInt(2, limit);
                },
                NotificationRepository::delivery);
    }

    /**
     * Claims a due delivery for one attempt: counts the attempt and moves its next attempt to
     * {@code retryAt} (so a node that dies while sending leaves it to be retried). True only for the
     * caller that saw {@code attempts} and won.
     */
    public boolean claim(long id, int attempts, Instant retryAt) {
        return jdbc.update("claim notice " + id, CLAIM, s -> {
                    Jdbc.setInstant(s, 1, retryAt);
                    s.setLong(2, id);
                    s.setInt(3, attempts);
                })
                == 1;
    }

    public void markSent(long id, Instant at) {
        jdbc.update("mark notice " + id + " sent", SENT, s -> {
            Jdbc.setInstant(s, 1, at);
            s.setLong(2, id);
        });
    }

    public void markRetry(long id, Instant next, String error) {
        jdbc.update("schedule a retry of notice " + id, RETRY, s -> {
            Jdbc.setInstant(s, 1, next);
            s.setString(2, Jdbc.truncate(error, 1000));
            s.setLong(3, id);
        });
    }

    public void markFailed(long id, String error) {
        jdbc.update("give up notice " + id, FAILED, s -> {
            s.setString(1, Jdbc.truncate(error, 1000));
            s.setLong(2, id);
        });
    }

    /** Deliveries newest first, optionally only those in {@code status} and/or about {@code tokenId}. */
    public Page<DeliveryRecord> list(String status, String tokenId, PageRequest page) {
        String where = status == null && tokenId == null
                ? ""
                : status != null && tokenId != null
                        ? " WHERE status = ? AND token_id = ?"
                        : status != null ? " WHERE status = ?" : " WHERE token_id = ?";
        Jdbc.Binder filter = s -> {
            int next = 1;
            if (status != null) {
                s.setString(next++, status);
            }
            if (tokenId != null) {
                s.setString(next, tokenId);
            }
        };
        int parameters = (status == null ? 0 : 1) + (tokenId == null ? 0 : 1);
        List<DeliveryRecord> items = jdbc.list(
                "list notices",
                LIST + where + NEWEST_FIRST,
                s -> {
                    filter.bind(s);
                    s.setLong(parameters + 1, page.offset());
                    s.setInt(parameters + 2, page.size());
                },
                NotificationRepository::delivery);
        return Page.of(items, jdbc.count("count notices", COUNT + where, filter), page);
    }

    private static NotificationTargetRecord target(ResultSet row) throws SQLException {
        return new NotificationTargetRecord(
                row.getString("group_key"),
                row.getString("email"),
                row.getString("webhook_url"),
                row.getString("webhook_secret"));
    }

    private static DeliveryRecord delivery(ResultSet row) throws SQLException {
        return new DeliveryRecord(
                row.getLong("id"),
                row.getString("event"),
                row.getString("token_id"),
                row.getString("channel"),
                row.getString("recipient"),
                row.getString("group_key"),
                row.getString("subject"),
                row.getString("payload"),
                row.getString("status"),
                row.getInt("attempts"),
                Jdbc.getInstant(row, "next_attempt_at"),
                row.getString("last_error"),
                Jdbc.getInstant(row, "created_at"),
                Jdbc.getInstant(row, "sent_at"));
    }
}
