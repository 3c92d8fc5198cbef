package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patgate.server.directory.Principal;
import org.patgate.server.directory.UserService;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.TokenService;
import org.patgate.server.ui.UiContext;

/**
 * The administrators' pages under {@code /.patgate/admin/}: token manager, approvals, users,
 * permissions &amp; policies, settings and the audit log. Every one answers 403 to non-admins,
 * whatever the services would allow. Thread-safe.
 */
public final class AdminPages {

    public static final String PATH = "/.patgate/admin";

    private final TokenService tokens;
    private final UserService users;
    private final java.time.Clock clock;
    private final PermissionPages permissions;
    private final SettingsPages settings;
    private final AuditPages audit;

    public AdminPages(UiContext context, TokenPages tokenPages) {
        this.tokens = context.tokens();
        this.users = context.users();
        this.clock = context.clock();
        this.permissions = new PermissionPages(context);
        this.settings = new SettingsPages(context);
        this.audit = new AuditPages(context);
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
            case "tokens" -> only(path.size() == 2 && !post, () -> tokenManager(exchange));
            case "approvals" -> {
                if (path.size() == 2 && !post) {
                    approvals(exchange);
                } else if (path.size() == 4 && post && (path.get(3).equals("approve") || path.get(3).equals("deny"))) {
                    decide(exchange, path.get(2), path.get(3).equals("approve"));
                } else {
                    throw new NotFoundException("no such page");
                }
            }
            case "users" -> only(path.size() == 2 && !post, () -> users(exchange));
            case "permissions" -> permissions.handle(exchange);
            case "settings" -> settings.handle(exchange);
            case "audit" -> only(path.size() == 2 && !post, () -> audit.list(exchange));
            case "audit.csv" -> only(path.size() == 2 && !post, () -> audit.csv(exchange));
            default -> throw new NotFoundException("no such page");
        }
    }

    private static void only(boolean matches, Runnable page) {
        if (!matches) {
            throw new NotFoundException("no such page");
        }
        page.run();
    }

    /** All tokens, filtered by owner, status and text. */
    private void tokenManager(UiExchange exchange) {
        String owner = exchange.query("owner");
        String status = exchange.query("status");
        String text = exchange.query("q");
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<TokenRecord> result;
        String problem = null;
        try {
            result = tokens.list(exchange.principal(), owner, status, text, new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        } catch (InvalidRequestException e) {
            result = new Page<>(List.of(), 0, 0, TokenPages.PAGE_SIZE);
            problem = e.getMessage();
        }
        Instant now = clock.instant();
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Token manager", "admin-tokens"));
        params.put("rows", result.items().stream().map(t -> Views.TokenRow.of(t, now)).toList());
        params.put("owner", owner == null ? "" : owner);
        params.put("status", status == null ? "" : status);
        params.put("q", text == null ? "" : text);
        params.put("problem", problem);
        params.put("paging", TokenPages.paging(result, PATH + "/tokens?" + query("owner", owner) + query("status", status)
                + query("q", text)));
        exchange.html(200, "admin/tokens.jte", params);
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

    private void users(UiExchange exchange) {
        String text = exchange.query("q");
        int page = TokenPages.pageNumber(exchange.query("page"));
        Page<UserRecord> result = users.list(exchange.principal(), text, new PageRequest(page - 1, TokenPages.PAGE_SIZE));
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Users & groups", "admin-users"));
        params.put("rows", result.items().stream().map(u -> new Views.UserRow(u.username(),
                u.displayName() == null ? "" : u.displayName(), u.email() == null ? "" : u.email(), u.enabled(),
                Views.time(u.createdAt()), String.join(", ", users.groupsOf(u)))).toList());
        params.put("q", text == null ? "" : text);
        params.put("paging", TokenPages.paging(result, PATH + "/users?" + query("q", text)));
        exchange.html(200, "admin/users.jte", params);
    }

    private static String query(String name, String value) {
        return value == null ? "" : name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&";
    }
}
