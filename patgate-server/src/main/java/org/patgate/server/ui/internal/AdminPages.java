package org.patgate.server.ui.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.directory.Principal;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.token.TokenService;
import org.patgate.server.ui.UiContext;

/**
 * The administrators' pages under {@code /.patgate/admin/}: token manager, approvals, users, and
 * the sections still served by the management API only. Every one answers 403 to non-admins,
 * whatever the services would allow. Thread-safe.
 */
public final class AdminPages {

    public static final String PATH = "/.patgate/admin";
    /** Sections the web UI does not edit yet: title and the API resource that does. */
    private static final Map<String, List<String>> API_ONLY = Map.of(
            "permissions", List.of("Permissions & policies", "/.patgate/api/v1/permissions and /.patgate/api/v1/policies"),
            "settings", List.of("Settings", "/.patgate/api/v1/settings"),
            "audit", List.of("Audit", "/.patgate/api/v1/audit"));

    private final TokenService tokens;
    private final java.time.Clock clock;
    private final TokenManagerPages tokenManager;
    private final UserPages userPages;

    public AdminPages(UiContext context, TokenPages tokenPages) {
        this.tokens = context.tokens();
        this.clock = context.clock();
        this.tokenManager = new TokenManagerPages(context);
        this.userPages = new UserPages(context);
    }

    public void handle(UiExchange exchange) {
        Principal me = exchange.principal();
        if (!me.admin()) {
            throw new ForbiddenException("this page is for PATgate administrators");
        }
        List<String> path = exchange.segments();
        String section = path.size() == 1 ? "" : path.get(1);
        boolean post = exchange.method().equals("POST");
        switch (section) {
            case "" -> exchange.redirect(PATH + "/tokens");
            case "tokens" -> tokenManager.handle(exchange);
            case "approvals" -> {
                if (path.size() == 2 && !post) {
                    approvals(exchange);
                } else if (path.size() == 4 && post && (path.get(3).equals("approve") || path.get(3).equals("deny"))) {
                    decide(exchange, path.get(2), path.get(3).equals("approve"));
                } else {
                    throw new NotFoundException("no such page");
                }
            }
            case "users" -> userPages.handle(exchange);
            default -> {
                List<String> apiOnly = API_ONLY.get(section);
                if (apiOnly == null || path.size() != 2 || post) {
                    throw new NotFoundException("no such page");
                }
                Map<String, Object> params = new HashMap<>();
                params.put("shell", exchange.shell(apiOnly.get(0), "admin-" + section));
                params.put("api", apiOnly.get(1));
                exchange.html(200, "admin/api_only.jte", params);
            }
        }
    }

    private void approvals(UiExchange exchange) {
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<TokenRecord> result = tokens.pending(exchange.principal(), new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        Instant now = clock.instant();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Approvals", "admin-approvals"));
        params.put("rows", result.items().stream().map(t -> Views.TokenRow.of(t, now)).toList());
        params.put("paging", TokenPages.paging(result, PATH + "/approvals?"));
        exchange.html(200, "admin/approvals.jte", params);
    }

    private void decide(UiExchange exchange, String id, boolean approve) {
        tokens.decide(exchange.principal(), exchange.sourceIp(), id, approve, exchange.field("reason"));
        exchange.redirect(PATH + "/approvals");
    }
}
