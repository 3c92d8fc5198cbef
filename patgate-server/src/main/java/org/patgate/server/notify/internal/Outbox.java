package org.patgate.server.notify.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.patgate.server.notify.WebhookSecrets;
import org.patgate.server.store.DeliveryRecord;
import org.patgate.server.store.NotificationRepository;
import org.patgate.server.store.NotificationTargetRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the notification outbox: each due delivery is claimed (so no other node or thread sends it
 * at the same time), sent once, and then marked sent, or retried after a doubling backoff, or given
 * up as failed after the last attempt. A delivery whose sender is gone (mail switched off, the group's
 * webhook removed) fails at once. Thread-safe; one drain at a time per caller is enough.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Deliveries claimed per read; a drain reads again until nothing is due, at most {@link #MAX_PER_DRAIN}. */
    private static final int BATCH = 50;

    private static final int MAX_PER_DRAIN = 1000;
    private static final Duration MAX_BACKOFF = Duration.ofHours(6);

    private final NotificationRepository repository;
    private final MailSender mail;
    private final WebhookSender webhooks;
    private final WebhookSecrets secrets;
    private final Clock clock;
    private final Duration backoff;
    private final int maxAttempts;
    private final Duration lease;
    private final ReentrantLock draining = new ReentrantLock();

    /** @param mail null when no SMTP server is configured */
    public Outbox(
            NotificationRepository repository,
            MailSender mail,
            WebhookSender webhooks,
            WebhookSecrets secrets,
            Clock clock,
            Duration backoff,
            int maxAttempts,
            Duration timeout) {
        this.repository = repository;
        this.mail = mail;
        this.webhooks = webhooks;
        this.secrets = secrets;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        // A node that dies while sending leaves its claim; another retries once the claim runs out.
        this.lease = timeout.multipliedBy(3).plus(backoff);
    }

    /**
     * Sends what is due now; returns how many deliveries this call attempted. One drain at a time on
     * this node (the worker's, and a caller's that asks for the due notices now): the claim alone keeps
     * nodes apart on PostgreSQL, which re-checks a waiting update's condition, but H2 does not promise
     * that, and H2 serves a single node.
     */
    public int deliverDue() {
        draining.lock();
        try {
            return drain();
        } finally {
            draining.unlock();
        }
    }

    private int drain() {
        int attempted = 0;
        while (attempted < MAX_PER_DRAIN) {
            List<DeliveryRecord> due = repository.due(clock.instant(), BATCH);
            int claimed = 0;
            for (DeliveryRecord delivery : due) {
                if (repository.claim(
                        delivery.id(), delivery.attempts(), clock.instant().plus(lease))) {
                    claimed++;
                    attempted++;
                    attempt(delivery, delivery.attempts() + 1);
                }
            }
            if (claimed == 0 || due.size() < BATCH) {
                break;
            }
        }
        return attempted;
    }

    private void attempt(DeliveryRecord delivery, int attempt) {
        try {
            send(delivery);
            repository.markSent(delivery.id(), clock.instant());
        } catch (DeliveryFailure e) {
            failed(delivery, attempt, e.getMessage(), false);
        } catch (RuntimeException e) {
            failed(delivery, attempt, "unexpected " + e.getClass().getSimpleName(), false);
            LOG.warn("Notice {} could not be sent", delivery.id(), e);
        } catch (Unsendable e) {
            failed(delivery, attempt, e.getMessage(), true);
        }
    }

    private void send(DeliveryRecord delivery) throws DeliveryFailure, Unsendable {
        switch (delivery.channel()) {
            case "mail" -> {
                if (mail == null) {
                    throw new Unsendable("mail is not configured (notifications.mail.host)");
                }
                mail.send(delivery.recipient(), delivery.subject(), delivery.payload());
            }
            case "webhook" -> {
                NotificationTargetRecord target =
                        repository.target(delivery.groupKey()).orElse(null);
                if (target == null || target.webhookUrl() == null || target.webhookSecret() == null) {
                    throw new Unsendable("the webhook of this group was removed");
                }
                String secret;
                try {
                    secret = secrets.decrypt(target.groupKey(), target.webhookSecret());
                } catch (WebhookSecrets.WebhookSecretException e) {
                    // Retried: another node, or this one with the right pepper, may send it.
                    throw new DeliveryFailure(e.getMessage());
                }
                webhooks.send(target.webhookUrl(), secret, delivery.event(), delivery.payload());
            }
            default -> throw new Unsendable("unknown channel " + delivery.channel());
        }
    }

    private void failed(DeliveryRecord delivery, int attempt, String error, boolean finalFailure) {
        if (finalFailure || attempt >= maxAttempts) {
            repository.markFailed(delivery.id(), error);
            LOG.warn(
                    "Gave up notice {} ({} to {}) after {} attempt(s): {}",
                    delivery.id(),
                    delivery.event(),
                    delivery.recipient(),
                    attempt,
                    error);
            return;
        }
        Instant next = clock.instant().plus(backoffAfter(backoff, attempt));
        repository.markRetry(delivery.id(), next, error);
        LOG.info("Notice {} attempt {} failed, next at {}: {}", delivery.id(), attempt, next, error);
    }

    /** The wait after {@code attempt} failed: {@code first}, doubling per attempt, at most six hours. */
    public static Duration backoffAfter(Duration first, int attempt) {
        Duration wait = first;
        for (int i = 1; i < attempt && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** A delivery that no retry can help. */
    private static final class Unsendable extends Exception {
        Unsendable(String message) {
            super(message, null, false, false);
        }
    }
}
