package org.patgate.server.ui.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.patgate.core.token.Scope;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.permission.PermissionService;
import org.patgate.server.permission.Permissions;
import org.patgate.server.policy.Policy;
import org.patgate.server.policy.PolicyService;
import org.patgate.server.principal.Permission;

/**
 * {@code /.patgate/admin/permissions}: what "everyone" and each group may do, and each group's token
 * policy. Every change goes through {@link PermissionService} or {@link PolicyService}, as the API's
 * permission and policy resources do; a refused change is shown on its group's card and nothing
 * changes. The group is a form field ({@code *} for everyone), so any group name works. Thread-safe.
 */
public final class PermissionPages {

    static final String PATH = AdminPages.PATH + "/permissions";

    /** Each permission's wire name and what it lets a member do, in the order of the checkboxes. */
    private static final Map<String, String> LABELS = labels();

    private final PermissionService permissions;
    private final PolicyService policies;

    public PermissionPages(PermissionService permissions, PolicyService policies) {
        this.permissions = permissions;
        this.policies = policies;
    }

    void handle(UiExchange exchange) {
        List<String> path = exchange.segments();
        String action = String.join("/", path.subList(2, path.size()));
        boolean post = exchange.method().equals("POST");
        if (!post) {
            if (!action.isEmpty()) {
                throw new NotFoundException("no such page");
            }
            show(exchange, null, null, null, 200);
            return;
        }
        String group = exchange.field("group");
        if (group == null || group.isBlank()) {
            throw new InvalidRequestException("group: required");
        }
        group = group.strip();
        try {
            switch (action) {
                case "grants", "groups" -> {
                    List<String> granted = granted(exchange);
                    if (action.equals("groups") && granted.isEmpty()) {
                        throw new InvalidRequestException(
                                "choose at least one permission for the new group",
                                Map.of("permissions", "choose at least one"));
                    }
                    permissions.replace(exchange.principal(), exchange.sourceIp(), group, granted);
                }
                case "policy" ->
                    policies.put(exchange.principal(), exchange.sourceIp(), group, toPolicy(policy(exchange)));
                case "policy/delete" -> policies.delete(exchange.principal(), exchange.sourceIp(), group);
                default -> throw new NotFoundException("no such page");
            }
        } catch (InvalidRequestException e) {
            show(
                    exchange,
                    action.equals("groups") ? "+new" : Permissions.key(group),
                    e.getMessage(),
                    action.equals("policy") ? policy(exchange) : null,
                    400);
            return;
        }
        exchange.redirect(PATH + "?saved=" + URLEncoder.encode(shown(Permissions.key(group)), StandardCharsets.UTF_8));
    }

    /**
     * The page; a refused change is shown on the card of {@code failedGroup} ({@code +new} for the
     * add-a-group form) with {@code error}, and its policy form shows {@code echo} when given.
     */
    private void show(UiExchange exchange, String failedGroup, String error, Views.PolicyForm echo, int status) {
        Map<String, Set<Permission>> grants = permissions.all(exchange.principal());
        Map<String, Policy> byGroup = policies.all(exchange.principal());
        Set<String> keys = new TreeSet<>(grants.keySet());
        keys.addAll(byGroup.keySet());
        keys.remove(Permissions.EVERYONE);
        List<String> ordered = new ArrayList<>();
        ordered.add(Permissions.EVERYONE);
        ordered.addAll(keys);
        List<Views.GroupAccess> groups = new ArrayList<>();
        for (String key : ordered) {
            boolean failed = key.equals(failedGroup);
            Policy policy = byGroup.get(key);
            Set<String> held = new LinkedHashSet<>();
            grants.getOrDefault(key, Set.of()).forEach(p -> held.add(p.wireName()));
            Views.PolicyForm form = failed && echo != null
                    ? echo
                    : policy == null ? Views.PolicyForm.EMPTY : Views.PolicyForm.of(policy);
            groups.add(new Views.GroupAccess(
                    key, shown(key), "g" + groups.size(), held, policy != null, form, failed ? error : null));
        }
        Map<String, Object> params = new HashMap<>();
        params.put("shell", exchange.shell("Permissions & policies", "admin-permissions"));
        params.put("groups", groups);
        params.put("permissions", LABELS);
        params.put("saved", status == 200 ? exchange.query("saved") : null);
        params.put("newGroupError", "+new".equals(failedGroup) ? error : null);
        exchange.html(status, "admin/permissions.jte", params);
    }

    private static List<String> granted(UiExchange exchange) {
        List<String> granted = new ArrayList<>();
        for (Permission permission : Permission.values()) {
            if (exchange.field("perm-" + permission.wireName()) != null) {
                granted.add(permission.wireName());
            }
        }
        return granted;
    }

    private static Views.PolicyForm policy(UiExchange exchange) {
        return new Views.PolicyForm(
                text(exchange, "maxLifetimeDays"),
                exchange.field("expiryRequired") != null,
                text(exchange, "maxActiveTokens"),
                exchange.field("scope-read-only") != null,
                exchange.field("scope-read-write") != null,
                text(exchange, "requiredIpRanges"),
                exchange.field("approvalRequired") != null,
                text(exchange, "rateLimitPerMinute"),
                text(exchange, "rateLimitPerSecond"),
                text(exchange, "rateLimitPerDay"),
                text(exchange, "rateLimitBurst"),
                text(exchange, "reminderDays"),
                text(exchange, "revokeUnusedAfterDays"));
    }

    private static String text(UiExchange exchange, String name) {
        String value = exchange.field(name);
        return value == null ? "" : value.strip();
    }

    private static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Permission.USE_TOKENS.wireName(), "Use tokens");
        labels.put(Permission.CREATE_TOKENS.wireName(), "Create tokens");
        labels.put(Permission.CREATE_TOKENS_FOR_OTHERS.wireName(), "Create tokens for others");
        labels.put(Permission.MANAGE_ALL_TOKENS.wireName(), "Manage all tokens");
        labels.put(Permission.ADMIN.wireName(), "Administer PATgate");
        return Collections.unmodifiableMap(labels);
    }

    private static String shown(String key) {
        return key.equals(Permissions.EVERYONE) ? "everyone" : key;
    }

    /** Makes a {@link Policy} of the form; every number that is not one is refused at once, by its field. */
    static Policy toPolicy(Views.PolicyForm form) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (form.readOnly()) {
            scopes.add(Scope.READ_ONLY);
        }
        if (form.readWrite()) {
            scopes.add(Scope.READ_WRITE);
        }
        List<String> ranges = form.requiredIpRanges()
                .lines()
                .flatMap(l -> Arrays.stream(l.split(",")))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        Map<String, String> errors = new LinkedHashMap<>();
        Integer maxLifetimeDays = number(form.maxLifetimeDays(), "maxLifetimeDays", errors);
        Integer maxActiveTokens = number(form.maxActiveTokens(), "maxActiveTokens", errors);
        Integer rateLimit = number(form.rateLimitPerMinute(), "rateLimitPerMinute", errors);
        Integer perSecond = number(form.rateLimitPerSecond(), "rateLimitPerSecond", errors);
        Integer perDay = number(form.rateLimitPerDay(), "rateLimitPerDay", errors);
        Integer burst = number(form.rateLimitBurst(), "rateLimitBurst", errors);
        List<Integer> reminderDays = days(form.reminderDays(), errors);
        Integer revokeUnused = number(form.revokeUnusedAfterDays(), "revokeUnusedAfterDays", errors);
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
        return new Policy(
                maxLifetimeDays,
                form.expiryRequired(),
                maxActiveTokens,
                scopes.isEmpty() ? null : scopes,
                ranges.isEmpty() ? null : ranges,
                form.approvalRequired(),
                rateLimit,
                perSecond,
                perDay,
                burst,
                reminderDays,
                revokeUnused);
    }

    /**
     * The reminder days typed as {@code 30, 7, 1}: null when empty (the default), none for {@code none};
     * text that is not a list of whole numbers is added to {@code errors}.
     */
    private static List<Integer> days(String text, Map<String, String> errors) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.equalsIgnoreCase("none")) {
            return List.of();
        }
        try {
            return Arrays.stream(text.split("[,\\s]+"))
                    .filter(day -> !day.isEmpty())
                    .map(Integer::valueOf)
                    .toList();
        } catch (NumberFormatException e) {
            errors.put("reminderDays", "must be days separated by commas, e.g. 30, 7, 1; none for no reminders");
            return null;
        }
    }

    /** The number typed in {@code field}, null when empty; text that is not one is added to {@code errors}. */
    private static Integer number(String text, String field, Map<String, String> errors) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number, or empty for no limit");
            return null;
        }
    }
}
