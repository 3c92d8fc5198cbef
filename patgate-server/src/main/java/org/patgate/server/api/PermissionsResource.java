package org.patgate.server.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.patgate.server.api.internal.Exchange;
import org.patgate.server.api.internal.GroupTarget;
import org.patgate.server.directory.Principal;
import org.patgate.server.permission.Permission;
import org.patgate.server.permission.PermissionService;
import org.patgate.server.store.GrantRepository;

/**
 * {@code /permissions} (admins): {@code GET /permissions}, {@code GET|PUT /permissions/everyone},
 * {@code GET|PUT /permissions/groups/{name}} with body {@code {"permissions":["use-tokens",...]}}.
 * Thread-safe.
 */
public final class PermissionsResource {

    private final PermissionService service;

    public PermissionsResource(PermissionService service) {
        this.service = service;
    }

    record PermissionsBody(List<String> permissions) {}

    record GroupPermissionsView(String group, List<String> permissions) {}

    record AllPermissionsView(List<String> everyone, Map<String, List<String>> groups) {}

    boolean handle(Exchange exchange, Principal principal) {
        List<String> path = exchange.segments();
        String method = exchange.method();
        if (path.size() == 1) {
            if (!method.equals("GET")) {
                return ApiHandler.methodNotAllowed(exchange, "GET");
            }
            Map<String, List<String>> groups = new TreeMap<>();
            List<String> everyone = List.of();
            for (Map.Entry<String, Set<Permission>> entry : service.all(principal).entrySet()) {
                if (entry.getKey().equals(GrantRepository.EVERYONE)) {
                    everyone = names(entry.getValue());
                } else {
                    groups.put(entry.getKey(), names(entry.getValue()));
                }
            }
            exchange.sendJson(200, new AllPermissionsView(everyone, groups));
            return true;
        }
        GroupTarget target = GroupTarget.of(path);
        if (target == null) {
            return false;
        }
        String group = target.key();
        String shown = target.shown();
        return switch (method) {
            case "GET" -> {
                exchange.sendJson(200, new GroupPermissionsView(shown, names(service.ofGroup(principal, group))));
                yield true;
            }
            case "PUT" -> {
                PermissionsBody body = exchange.readJson(PermissionsBody.class);
                Set<Permission> now = service.replace(principal, exchange.sourceIp(), group, body.permissions());
                exchange.sendJson(200, new GroupPermissionsView(shown, names(now)));
                yield true;
            }
            default -> ApiHandler.methodNotAllowed(exchange, "GET, PUT");
        };
    }

    private static List<String> names(Set<Permission> permissions) {
        return permissions.stream().map(Permission::wireName).sorted().toList();
    }
}
