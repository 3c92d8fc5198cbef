package org.patgate.server.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.config.NotificationsConfig;
import org.patgate.server.notify.internal.DueNotices;
import org.patgate.server.notify.internal.MailSender;
import org.patgate.server.notify.internal.Messages;
import org.patgate.server.notify.internal.Outbox;
import org.patgate.server.notify.internal.WebhookSender;
import org.patgate.server.policy.NoticeRules;
import org.patgate.server.policy.Policies;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewDelivery;
import org.patgate.server.store.NotificationTargetRecord;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenQuery;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.TokenRevocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about their tokens. Events ({@link NotificationEvent}) are turned into one delivery
 * per recipient (the owner's e-mail address, and the e-mail address and webhook of each of the owner's
 * groups and of everyone) and queued in the database outbox, each exactly once (its key is unique);
 * a background worker sends them off the request threads with retries. The schedule
 * ({@link #runOnce()}) looks for due expiry reminders, expired tokens and unused tokens, revoking
 * those unused past their policy's limit. The background worker's schedule runs on one node of a
 * cluster at a time ({@link #runScheduled()}); the outbox's claims keep the nodes' sends apart.
 *
 * <p>Thread-safe. Producing a notice never fails the caller: problems are logged. {@link #close()}
 * stops the worker, waiting a bounded time for a delivery in progress.
 */
public final class Notifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** An expired token is told of only this long after its expiry: no flood of old news after an upgrade. */
    private static final Duration EXPIRED_NEWS = Duration.ofDays(7);

    private static final Duration DELIVERY_POLL = Duration.ofSeconds(5);

    private final NotificationsConfig config;
    private final Database database;
    private final Policies policies;
    private final GroupsOf groupsOf;
    private final TokenRevocation revocation;
    private final Clock clock;
    private final String adminGroup;
    private final Messages messages;
    private final WebhookSender webhooks;
    private final Outbox outbox;
    private final NotificationTargets targets;
    private final ClusterJobs jobs;
    private ScheduledExecutorService worker;

    /** The groups of a user by id, from their directory. */
    @FunctionalInterface
    public interface GroupsOf {
        Set<String> of(long userId);
    }

    /** @param jobs keeps the schedule's runs apart across the nodes of a cluster */
    public Notifications(
            NotificationsConfig config,
            Database database,
            Policies policies,
            GroupsOf groupsOf,
            TokenRevocation revocation,
            NotificationTargets targets,
            Clock clock,
            String adminGroup,
            ClusterJobs jobs) {
        this.config = config;
        this.jobs = jobs;
        this.database = database;
        this.policies = policies;
        this.groupsOf = groupsOf;
        this.revocation = revocation;
        this.targets = targets;
        this.clock = clock;
        this.adminGroup = adminGroup;
        this.messages = new Messages(config.baseUrl());
        this.webhooks = new WebhookSender(config.timeout(), clock);
        this.outbox = new Outbox(
                database.notifications(),
                config.mailEnabled() ? new MailSender(config, clock) : null,
                webhooks,
                targets.secrets(),
                clock,
                config.retryBackoff(),
                config.maxAttempts(),
                config.timeout());
    }

    /** The administrators' view of the groups' targets and the delivery log. */
    public NotificationTargets targets() {
        return targets;
    }

    /** Starts the background worker: the schedule every {@code scheduleInterval}, the outbox every few seconds. */
    public synchronized void start() {
        if (worker != null) {
            return;
        }
        worker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("patgate-notify").daemon(true).factory());
        long schedule = config.scheduleInterval().toMillis();
        worker.scheduleWithFixedDelay(
                () -> safely("schedule", () -> runScheduled()), schedule, schedule, TimeUnit.MILLISECONDS);
        long poll = DELIVERY_POLL.toMillis();
        worker.scheduleWithFixedDelay(() -> safely("delivery", () -> deliverDue()), poll, poll, TimeUnit.MILLISECONDS);
    }

    // ---- events from the token services ----

    /** A token was created: tells its owner when someone else created it, and approvers when it waits. */
    public void tokenCreated(String creator, TokenRecord token) {
        if (!token.ownerUsername().equalsIgnoreCase(creator)) {
            publish(new NotificationEvent.CreatedForYou(token, creator));
        }
        if (token.status() == TokenStatus.PENDING) {
            publish(new NotificationEvent.ApprovalRequested(token));
        }
    }

    /** A user revoked a token: its owner is told when that user was someone else. */
    public void tokenRevoked(String revoker, TokenRecord token) {
        if (!token.ownerUsername().equalsIgnoreCase(revoker)) {
            publish(new NotificationEvent.RevokedByAdmin(token, revoker));
        }
    }

    /** An approver decided on a pending token: its owner is told. */
    public void approvalDecided(String decider, TokenRecord token, boolean approved, String reason) {
        publish(new NotificationEvent.ApprovalDecided(token, approved, decider, reason));
    }

    /** A token was used from an address it was never used from before: its owner is told once per address. */
    public void firstUseFromNewAddress(String tokenId, String address, String userAgent) {
        try {
            database.tokens()
                    .findById(tokenId)
                    .ifPresent(token ->
                            publish(new NotificationEvent.NewAddress(token, address, userAgent, clock.instant())));
        } catch (RuntimeException e) {
            LOG.warn("Could not tell of token {} used from a new address: {}", tokenId, e.toString());
        }
    }

    /** Queues {@code event} for each of its recipients (once each, ever) and wakes the worker. */
    public void publish(NotificationEvent event) {
        try {
            int queued = enqueue(event);
            if (queued > 0) {
                wake();
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not queue notice {} about token {}: {}",
                    event.type(),
                    event.token().id(),
                    e.toString());
        }
    }

    // ---- the schedule ----

    /**
     * Looks once for due notices at the clock's time: the latest due expiry reminder of each active
     * token, expired tokens (expired within the last week), unused tokens (a notice at half the
     * limit, revocation at the limit). Returns the number of deliveries queued. Safe to run on several
     * nodes and again after a restart: every notice is queued once.
     */
    public int runOnce() {
        Instant now = clock.instant();
        policies.reload();
        Map<Long, NoticeRules> rulesByOwner = new HashMap<>();
        int queued = 0;
        for (TokenRecord token : tokens("active", now)) {
            NoticeRules rules =
                    rulesByOwner.computeIfAbsent(token.ownerId(), owner -> policies.noticeRulesFor(groupsOf.of(owner)));
            queued += unused(token, rules, now);
            if (token.expiresAt() != null && token.status() == TokenStatus.ACTIVE) {
                OptionalInt reminder =
                        DueNotices.dueReminder(rules.reminderDays(), token.createdAt(), token.expiresAt(), now);
                if (reminder.isPresent()) {
                    queued += enqueue(new NotificationEvent.ExpiryReminder(
                            token, reminder.getAsInt(), DueNotices.daysLeft(now, token.expiresAt())));
                }
            }
        }
        for (TokenRecord token : tokens("expired", now)) {
            if (token.expiresAt().isAfter(now.minus(EXPIRED_NEWS))) {
                queued += enqueue(new NotificationEvent.Expired(token));
            }
        }
        return queued;
    }

    /**
     * The worker's run of the schedule: {@link #runOnce()} unless another node (or thread) runs it at
     * this moment, which this run then leaves to it. True when this call ran it.
     */
    public boolean runScheduled() {
        return jobs.runIfFree(ClusterJob.NOTICE_SCHEDULE, this::runOnce);
    }

    /** Sends the deliveries due now (see {@link Outbox}); returns how many were attempted. */
    public int deliverDue() {
        return outbox.deliverDue();
    }

    private int unused(TokenRecord token, NoticeRules rules, Instant now) {
        Integer limit = rules.revokeUnusedAfterDays();
        if (limit == null) {
            return 0;
        }
        Instant lastUse = token.lastUsedAt() != null ? token.lastUsedAt() : token.createdAt();
        long unused = DueNotices.unusedDays(lastUse, now);
        if (unused >= limit) {
            if (revocation.revokeBySystem(token.id(), "unused for " + unused + " days (policy limit " + limit + ")")) {
                TokenRecord revoked = database.tokens().findById(token.id()).orElse(token);
                return enqueue(new NotificationEvent.RevokedUnused(revoked, unused));
            }
            return 0;
        }
        if (unused >= limit - limit / 2) {
            return enqueue(
                    new NotificationEvent.UnusedNotice(token, lastUse, unused, lastUse.plus(Duration.ofDays(limit))));
        }
        return 0;
    }

    /** Every token in {@code status} ("active" or "expired") at {@code now}, page by page. */
    private List<TokenRecord> tokens(String status, Instant now) {
        List<TokenRecord> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            Page<TokenRecord> found = database.tokens()
                    .search(new TokenQuery(null, status, null, now, new PageRequest(page, PageRequest.MAX_SIZE)));
            all.addAll(found.items());
            if (found.items().size() < PageRequest.MAX_SIZE) {
                return all;
            }
        }
    }

    // ---- recipients ----

    private int enqueue(NotificationEvent event) {
        Instant now = clock.instant();
        Messages.Mail mail = messages.mail(event);
        String json = messages.webhook(event, now);
        TokenRecord token = event.token();
        Set<String> mailTo = new LinkedHashSet<>();
        Map<String, String> webhookOf = new HashMap<>();
        List<String> groups = new ArrayList<>();
        groups.add(NotificationTargets.EVERYONE);
        if (event.audience() == NotificationEvent.Audience.OWNER) {
            database.users().findById(token.ownerId()).map(UserRecord::email).ifPresent(mailTo::add);
            groups.addAll(groupsOf.of(token.ownerId()));
        } else {
            database.groups()
                    .findByName(adminGroup)
                    .ifPresent(group -> database.groups()
                            .memberUsernames(group.id())
                            .forEach(name -> database.users()
                                    .findByUsername(name)
                                    .map(UserRecord::email)
                                    .ifPresent(mailTo::add)));
            groups.add(adminGroup);
        }
        for (String group : groups) {
            String key = group.toLowerCase(Locale.ROOT);
            NotificationTargetRecord target =
                    database.notifications().target(key).orElse(null);
            if (target != null && target.email() != null) {
                mailTo.add(target.email());
            }
            if (target != null && target.webhookUrl() != null) {
                webhookOf.put(key, target.webhookUrl());
            }
        }
        int queued = 0;
        if (config.mailEnabled()) {
            for (String address : mailTo) {
                if (address == null || address.isBlank()) {
                    continue;
                }
                String to = address.strip();
                queued += queue(event, "mail", to.toLowerCase(Locale.ROOT), to, null, mail.subject(), mail.text());
            }
        }
        for (Map.Entry<String, String> webhook : webhookOf.entrySet()) {
            queued += queue(
                    event, "webhook", webhook.getKey(), webhook.getValue(), webhook.getKey(), mail.subject(), json);
        }
        return queued;
    }

    private int queue(
            NotificationEvent event,
            String channel,
            String recipientKey,
            String recipient,
            String groupKey,
            String subject,
            String payload) {
        NewDelivery delivery = new NewDelivery(
                event.key() + "|" + channel + "|" + recipientKey,
                event.type(),
                event.token().id(),
                channel,
                recipient,
                groupKey,
                subject,
                payload);
        return database.notifications().enqueue(delivery, clock.instant()) ? 1 : 0;
    }

    private void wake() {
        ScheduledExecutorService running = worker;
        if (running != null) {
            try {
                running.execute(() -> safely("delivery", () -> deliverDue()));
            } catch (RejectedExecutionException e) {
                // Shutting down: what is queued stays in the outbox for the next start.
            }
        }
    }

    private static void safely(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Notification {} run failed; next run as scheduled: {}", what, e.toString());
        }
    }

    /** Stops the worker; a delivery in progress gets up to the delivery timeout to finish. */
    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.shutdown();
            try {
                if (!worker.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    worker.shutdownNow();
                    LOG.warn("Notification worker did not stop in time; unsent notices stay queued");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker = null;
        }
        webhooks.close();
    }
}
