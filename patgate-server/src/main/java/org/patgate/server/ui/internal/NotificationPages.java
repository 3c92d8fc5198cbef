package org.patgate.server.ui.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.notify.NotificationTarget;
import org.patgate.server.notify.NotificationTargets;
import org.patgate.server.store.DeliveryRecord;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;

/**
 * {@code /.patgate/admin/notifications}: each group's notification target (set and removed with
 * forms; the webhook secret is typed, never shown) and the delivery log, newest first, optionally
 * only one status. Thread-safe.
 */
public final class NotificationPages {

    static final String PATH = AdminPages.PATH + "/notifications";

    /** A target as the page lists it. */
    public record TargetRow(String group, String email, String webhookUrl, boolean webhookSecretSet) {}

    /** A delivery as the page lists it. */
    public record DeliveryRow(
            String createdAt,
            String event,
            String tokenId,
            String channel,
            String recipient,
            String status,
            int attempts,
            String lastError) {
        static DeliveryRow of(DeliveryRecord d) {
            return new DeliveryRow(
                    d.createdAt().toString(),
                    d.event(),
                    d.tokenId() == null ? "" : d.tokenId(),
                    d.channel(),
                    d.recipient(),
                    d.status(),
                    d.attempts(),
                    d.lastError() == null ? "" : d.lastError());
        }
    }

    private final NotificationTargets targets;

    public NotificationPages(NotificationTargets targets) {
        this.targets = targets;
    }

    void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        boolean post = exchange.method().equals("POST");
        if (path.size() == 2 && !post) {
            page(exchange, 200, null);
        } else if (path.size() == 3 && post && path.get(2).equals("targets")) {
            set(exchange);
        } else if (path.size() == 3 && post && path.get(2).equals("delete")) {
            String group = exchange.field("group") == null ? "" : exchange.field("group");
            targets.delete(
                    exchange.principal(),
                    exchange.sourceIp(),
                    group.equals("everyone") ? NotificationTargets.EVERYONE : group);
            exchange.redirect(PATH);
        } else {
            throw new NotFoundException("no such page");
        }
    }

    private void set(UiExchange exchange) {
        String group =
                exchange.field("group") == null ? "" : exchange.field("group").strip();
        try {
            if (group.isEmpty()) {
                throw new InvalidRequestException("group: name a group, or everyone", Map.of("group", "required"));
            }
            targets.put(
                    exchange.principal(),
                    exchange.sourceIp(),
                    group.equals("everyone") ? NotificationTargets.EVERYONE : group,
                    new NotificationTarget(
                            exchange.field("email"), exchange.field("webhookUrl"), exchange.field("webhookSecret")));
        } catch (InvalidRequestException e) {
            page(exchange, 400, e.getMessage());
            return;
        }
        exchange.redirect(PATH);
    }

    private void page(UiExchange exchange, int status, String problem) {
        String only = exchange.query("status");
        only = only == null || only.isBlank() ? null : only;
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<DeliveryRecord> result =
                targets.deliveries(exchange.principal(), only, null, new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        List<TargetRow> rows = new ArrayList<>();
        targets.all(exchange.principal())
                .forEach((group, view) -> rows.add(new TargetRow(
                        group.equals(NotificationTargets.EVERYONE) ? "everyone" : group,
                        view.email() == null ? "" : view.email(),
                        view.webhookUrl() == null ? "" : view.webhookUrl(),
                        view.webhookSecretSet())));
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Notifications", "admin-notifications"));
        params.put("targets", rows);
        params.put("deliveries", result.items().stream().map(DeliveryRow::of).toList());
        params.put("status", only == null ? "" : only);
        params.put("problem", problem);
        params.put("paging", TokenPages.paging(result, PATH + "?" + (only == null ? "" : "status=" + only + "&")));
        exchange.html(status, "admin/notifications.jte", params);
    }
}
