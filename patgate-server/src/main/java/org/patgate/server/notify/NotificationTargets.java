package org.patgate.server.notify;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.DeliveryRecord;
import org.patgate.server.store.NotificationTargetRecord;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What administrators set and read about notifications: each group's target (mail address and/or
 * webhook; {@code "*"} = everyone), audited without the webhook secret, and the delivery log.
 * Webhook secrets are stored encrypted ({@link WebhookSecrets}). Thread-safe.
 */
public final class NotificationTargets {

    /** The key of the target for everyone. */
    public static final String EVERYONE = "*";

    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,254}");
    private static final Set<String> STATUSES = Set.of("pending", "sent", "failed");

    /** A target as shown: the secret only as whether one is set. */
    public record View(String email, String webhookUrl, boolean webhookSecretSet) {}

    private static final Logger LOG = LoggerFactory.getLogger(NotificationTargets.class);

    private final Database database;
    private final AuditLog audit;
    private final WebhookSecrets secrets;

    public NotificationTargets(Database database, AuditLog audit, WebhookSecrets secrets) {
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
    }

    /** How the webhook secrets are stored. */
    WebhookSecrets secrets() {
        return secrets;
    }

    /**
     * Once at start: encrypts the webhook secrets an earlier version stored in plain (each only while
     * it is unchanged, so a secret another node sets meanwhile is never overwritten), and checks that
     * the encrypted ones decrypt with this node's pepper, logging an error naming each target that
     * does not (its webhooks then fail with that reason in the delivery log, and are retried).
     * Answers how many were encrypted.
     */
    public int encryptPlainSecrets() {
        int encrypted = 0;
        for (NotificationTargetRecord target : database.notifications().targets()) {
            String stored = target.webhookSecret();
            if (stored == null) {
                continue;
            }
            if (!WebhookSecrets.encrypted(stored)) {
                String sealed = secrets.encrypt(target.groupKey(), stored);
                if (database.notifications().encryptWebhookSecret(target.groupKey(), stored, sealed)) {
                    encrypted++;
                }
                continue;
            }
            try {
                secrets.decrypt(target.groupKey(), stored);
            } catch (WebhookSecrets.WebhookSecretException e) {
                LOG.error("{}", e.getMessage());
            }
        }
        if (encrypted > 0) {
            LOG.info("encrypted {} webhook secret(s) stored in plain by an earlier version", encrypted);
        }
        return encrypted;
    }

    /** Group key ({@code "*"} for everyone) to its target. */
    public Map<String, View> all(Principal actor) {
        actor.requireAdmin("read or change notification targets");
        Map<String, View> all = new TreeMap<>();
        for (NotificationTargetRecord target : database.notifications().targets()) {
            all.put(target.groupKey(), view(target));
        }
        return all;
    }

    public View get(Principal actor, String group) {
        actor.requireAdmin("read or change notification targets");
        return database.notifications()
                .target(key(group))
                .map(NotificationTargets::view)
                .orElseThrow(() -> new NotFoundException("no notification target for " + shown(group)));
    }

    /**
     * Sets a group's target. A webhook needs a secret; left out, the secret already set for the group
     * is kept (so a change of address need not repeat it).
     */
    public View put(Principal actor, String sourceIp, String group, NotificationTarget target) {
        actor.requireAdmin("read or change notification targets");
        requireGroupName(group);
        String stored = target.webhookSecret() == null ? null : secrets.encrypt(key(group), target.webhookSecret());
        if (target.webhookUrl() != null && stored == null) {
            // Kept as stored when encrypted (bound to this group's key); one stored in plain is encrypted now.
            stored = database.notifications()
                    .target(key(group))
                    .map(NotificationTargetRecord::webhookSecret)
                    .map(kept -> WebhookSecrets.encrypted(kept) ? kept : secrets.encrypt(key(group), kept))
                    .orElseThrow(() -> new InvalidRequestException(
                            "webhookSecret: required with a webhookUrl (16 to 255 characters the receiver also knows)",
                            Map.of("webhookSecret", "required with webhookUrl")));
        }
        NotificationTargetRecord record = new NotificationTargetRecord(
                key(group), target.email(), target.webhookUrl(), target.webhookUrl() == null ? null : stored);
        database.inTransaction("set the notification target of " + shown(group), () -> {
            database.notifications().putTarget(record);
            audit.success(
                    actor.username(),
                    "notification-target.set",
                    shown(group),
                    sourceIp,
                    "email=" + target.email() + " webhookUrl=" + target.webhookUrl()
                            + (target.webhookSecret() == null ? "" : " webhookSecret=changed"));
        });
        return view(record);
    }

    public void delete(Principal actor, String sourceIp, String group) {
        actor.requireAdmin("read or change notification targets");
        requireGroupName(group);
        database.inTransaction("delete the notification target of " + shown(group), () -> {
            if (!database.notifications().deleteTarget(key(group))) {
                throw new NotFoundException("no notification target for " + shown(group));
            }
            audit.success(actor.username(), "notification-target.delete", shown(group), sourceIp, null);
        });
    }

    /** The delivery log, newest first; {@code status} (pending, sent, failed) and {@code tokenId} optional. */
    public Page<DeliveryRecord> deliveries(Principal actor, String status, String tokenId, PageRequest page) {
        actor.requireAdmin("read the notification delivery log");
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidRequestException(
                    "status: must be pending, sent or failed", Map.of("status", "pending, sent or failed"));
        }
        return database.notifications().list(status, tokenId, page);
    }

    private static View view(NotificationTargetRecord target) {
        return new View(target.email(), target.webhookUrl(), target.webhookSecret() != null);
    }

    private static String key(String group) {
        return group.equals(EVERYONE) ? EVERYONE : group.toLowerCase(Locale.ROOT);
    }

    private static void requireGroupName(String group) {
        if (!group.equals(EVERYONE) && !GROUP_NAME.matcher(group).matches()) {
            throw new InvalidRequestException(
                    "not a group name: '" + UnsafeText.escape(group) + "'", Map.of("group", "not a group name"));
        }
    }

    private static String shown(String group) {
        return group.equals(EVERYONE) ? "everyone" : "group '" + group + "'";
    }
}
