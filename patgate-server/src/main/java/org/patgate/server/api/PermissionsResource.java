package org.patgate.server.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.patgate.server.api.internal.GroupTarget;
import org.patgate.server.http.Exchange;
import org.patgate.server.permission.PermissionService;
import org.patgate.server.permission.Permissions;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;

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

    void all(Exchange exchange, Principal principal) {
        Map<String, List<String>> groups = new TreeMap<>();
        List<String> everyone = List.of();
        for (Map.Entry<String, Set<Permission>> entry : service.all(principal).entrySet()) {
            if (entry.getKey().equals(Permissions.EVERYONE)) {
                everyone = names(entry.getValue());
            } else {
                groups.put(entry.getKey(), names(entry.getValue()));
            }
        }
        exchange.sendJson(200, new AllPermissionsView(everyone, groups));
    }

    void get(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(exchange.segments());
        exchange.sendJson(
                200, new GroupPermissionsView(target.shown(), names(service.ofGroup(principal, target.key()))));
    }

    void replace(Exchange exchange, Principal principal) {
        GroupTarget target = GroupTarget.of(exchange.segments());
        PermissionsBody body = exchange.readJson(PermissionsBody.class);
        Set<Permission> now = service.replace(principal, exchange.sourceIp(), target.key(), body.permissions());
        exchange.sendJson(200, new GroupPermissionsView(target.shown(), names(now)));
    }

    private static List<String> names(Set<Permission> permissions) {
        return permissions.stream().map(Permission::wireName).sorted().toList();
    }
}
