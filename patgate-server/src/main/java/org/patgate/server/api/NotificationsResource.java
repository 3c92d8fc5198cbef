package org.patgate.server.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.patgate.server.api.TokenViews.PageView;
import org.patgate.server.api.internal.GroupTarget;
import org.patgate.server.http.Exchange;
import org.patgate.server.notify.NotificationTarget;
import org.patgate.server.notify.NotificationTargets;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.DeliveryRecord;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code /notifications} (admins): the delivery log, {@code GET /notifications/deliveries?status=&token=};
 * the groups' targets, {@code GET /notifications/targets}, {@code GET|PUT|DELETE
 * /notifications/targets/everyone} and {@code /notifications/targets/groups/{name}}. A target's
 * webhook secret is accepted, never returned. Thread-safe.
 */
public final class NotificationsResource {

    private final NotificationTargets targets;

    public NotificationsResource(NotificationTargets targets) {
        this.targets = targets;
    }

    /** A target in JSON; {@code webhookSecret} only on the way in. */
    record TargetBody(String email, String webhookUrl, String webhookSecret) {}

    record TargetView(String group, NotificationTargets.View target) {}

    record AllTargetsView(NotificationTargets.View everyone, Map<String, NotificationTargets.View> groups) {}

    /** One delivery in the log; the payload (mail text or webhook JSON) stays out of the list. */
    record DeliveryView(
            long id,
            String event,
            String tokenId,
            String channel,
            String recipient,
            String subject,
            String status,
            int attempts,
            Instant nextAttemptAt,
            String lastError,
            Instant createdAt,
            Instant sentAt) {
        static DeliveryView of(DeliveryRecord d) {
            return new DeliveryView(
                    d.id(),
                    d.event(),
                    d.tokenId(),
                    d.channel(),
                    d.recipient(),
                    d.subject(),
                    d.status(),
                    d.attempts(),
                    d.status().equals("pending") ? d.nextAttemptAt() : null,
                    d.lastError(),
                    d.createdAt(),
                    d.sentAt());
        }
    }

    void deliveries(Exchange exchange, Principal principal) {
        PageRequest page =
                new PageRequest(exchange.queryInt("page", 1, 1, 1_000_000) - 1, exchange.queryInt("size", 50, 1, 500));
        Page<DeliveryRecord> found = targets.deliveries(
                principal, blankToNull(exchange.query("status")), blankToNull(exchange.query("token")), page);
        exchange.sendJson(
                200,
                new PageView<>(
                        found.items().stream().map(DeliveryView::of).toList(),
                        found.total(),
                        found.page() + 1,
                        found.size()));
    }

    void all(Exchange exchange, Principal principal) {
        NotificationTargets.View everyone = null;
        Map<String, NotificationTargets.View> groups = new TreeMap<>();
        for (Map.Entry<String, NotificationTargets.View> entry :
                targets.all(principal).entrySet()) {
            if (entry.getKey().equals(NotificationTargets.EVERYONE)) {
                everyone = entry.getValue();
            } else {
                groups.put(entry.getKey(), entry.getValue());
            }
        }
        exchange.sendJson(200, new AllTargetsView(everyone, groups));
    }

    void get(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(tail(exchange));
        exchange.sendJson(200, new TargetView(target.shown(), targets.get(principal, target.key())));
    }

    void put(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(tail(exchange));
        TargetBody body = exchange.readJson(TargetBody.class);
        NotificationTarget wanted = new NotificationTarget(body.email(), body.webhookUrl(), body.webhookSecret());
        exchange.sendJson(
                200, new TargetView(target.shown(), targets.put(principal, exchange.sourceIp(), target.key(), wanted)));
    }

    void delete(Exchange exchange, Principal principal) {
        targets.delete(
                principal, exchange.sourceIp(), GroupTarget.of(tail(exchange)).key());
        exchange.sendNoContent();
    }

    /** The segments after {@code /notifications}, shaped like those of {@code /policies/...} for {@link GroupTarget}. */
    private static List<String> tail(Exchange exchange) {
        return exchange.segments().subList(1, exchange.segments().size());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
