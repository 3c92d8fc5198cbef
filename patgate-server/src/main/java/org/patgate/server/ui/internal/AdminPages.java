package org.patgate.server.ui.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.token.TokenApprovals;

/**
 * The administrators' pages under {@code /.patgate/admin/}: token manager, approvals, users,
 * permissions &amp; policies, settings, the audit log, top consumers (usage), notifications and the cluster's nodes. Every one answers 403 to non-admins,
 * whatever the services would allow. Thread-safe.
 */
public final class AdminPages {

    public static final String PATH = "/.patgate/admin";

    private final TokenApprovals approvals;
    private final Clock clock;
    private final PermissionPages permissions;
    private final SettingsPages settings;
    private final AuditPages audit;
    private final TokenManagerPages tokenManager;
    private final UserPages userPages;
    private final UsagePages usage;
    private final NotificationPages notifications;
    private final ClusterPages cluster;

    /** @param cluster the cluster page, or null for no such page */
    public AdminPages(
            TokenApprovals approvals,
            TokenManagerPages tokenManager,
            UserPages userPages,
            PermissionPages permissions,
            SettingsPages settings,
            AuditPages audit,
            NotificationPages notifications,
            Clock clock,
            UsagePages usage,
            ClusterPages cluster) {
        this.cluster = cluster;
        this.notifications = notifications;
        this.approvals = approvals;
        this.tokenManager = tokenManager;
        this.userPages = userPages;
        this.permissions = permissions;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
        this.usage = usage;
    }

    public void handle(UiExchange exchange) {
        Principal me = exchange.principal();
        me.requireAdmin("open the administration pages");
        List<String> path = exchange.segments();
        String section = path.size() == 1 ? "" : path.get(1);
        boolean post = exchange.method().equals("POST");
        switch (section) {
            case "" -> exchange.redirect(PATH + "/tokens");
            case "tokens" -> tokenManager.handle(exchange);
            case "approvals" -> {
                if (path.size() == 2 && !post) {
                    approvals(exchange);
                } else if (path.size() == 4
                        && post
                        && (path.get(3).equals("approve") || path.get(3).equals("deny"))) {
                    decide(exchange, path.get(2), path.get(3).equals("approve"));
                } else {
                    throw new NotFoundException("no such page");
                }
            }
            case "users" -> userPages.handle(exchange);
            case "permissions" -> permissions.handle(exchange);
            case "settings" -> settings.handle(exchange);
            case "audit" -> only(path.size() == 2 && !post, () -> audit.list(exchange));
            case "audit.csv" -> only(path.size() == 2 && !post, () -> audit.csv(exchange));
            case "usage" -> usage.handle(exchange);
            case "notifications" -> notifications.handle(exchange);
            case "cluster" -> {
                if (cluster == null) {
                    throw new NotFoundException("no such page");
                }
                cluster.handle(exchange);
            }
            default -> throw new NotFoundException("no such page");
        }
    }

    private static void only(boolean matches, Runnable page) {
        if (!matches) {
            throw new NotFoundException("no such page");
        }
        page.run();
    }

    private void approvals(UiExchange exchange) {
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<TokenRecord> result =
                approvals.pending(exchange.principal(), new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        Instant now = clock.instant();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Approvals", "admin-approvals"));
        params.put(
                "rows",
                result.items().stream().map(t -> Views.TokenRow.of(t, now)).toList());
        params.put("paging", TokenPages.paging(result, PATH + "/approvals?"));
        exchange.html(200, "admin/approvals.jte", params);
    }

    private void decide(UiExchange exchange, String id, boolean approve) {
        approvals.decide(exchange.principal(), exchange.sourceIp(), id, approve, exchange.field("reason"));
        exchange.redirect(PATH + "/approvals");
    }
}
