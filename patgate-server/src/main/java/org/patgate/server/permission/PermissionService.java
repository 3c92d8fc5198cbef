package org.patgate.server.permission;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.GrantRepository;

/**
 * Reads and changes which groups hold which permissions (admins only, audited). A change takes
 * effect on this node at once: cached tokens are dropped so their owners' rights are re-read.
 * Thread-safe.
 */
public final class PermissionService {

    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,254}");

    private final Database database;
    private final Permissions permissions;
    private final AuditLog audit;
    private final Runnable onChange;
    private final String adminGroup;

    public PermissionService(
            Database database, Permissions permissions, AuditLog audit, Runnable onChange, String adminGroup) {
        this.database = database;
        this.permissions = permissions;
        this.audit = audit;
        this.onChange = onChange;
        this.adminGroup = adminGroup;
    }

    /** Group key ("*" for everyone) to its permissions. */
    public Map<String, Set<Permission>> all(Principal actor) {
        actor.requireAdmin("read or change permissions");
        return permissions.all();
    }

    public Set<Permission> ofGroup(Principal actor, String group) {
        actor.requireAdmin("read or change permissions");
        return permissions.ofGroup(group);
    }

    /** Replaces a group's permissions; {@code group} "*" means everyone. */
    public Set<Permission> replace(Principal actor, String sourceIp, String group, List<String> wireNames) {
        actor.requireAdmin("read or change permissions");
        if (!group.equals(GrantRepository.EVERYONE)
                && !GROUP_NAME.matcher(group).matches()) {
            throw new InvalidRequestException(
                    "not a group name: '" + UnsafeText.escape(group) + "'", Map.of("group", "not a group name"));
        }
        if (wireNames == null) {
            throw new InvalidRequestException(
                    "permissions: required (a list, may be empty)", Map.of("permissions", "required"));
        }
        EnumSet<Permission> wanted = EnumSet.noneOf(Permission.class);
        for (String name : wireNames) {
            wanted.add(Permission.fromWireName(name));
        }
        if (group.equalsIgnoreCase(adminGroup) && !wanted.contains(Permission.ADMIN)) {
            // Without this, admins could lock everyone out of administration.
            throw new InvalidRequestException(
                    "the admin group '" + adminGroup + "' must keep the admin permission",
                    Map.of("permissions", "must include admin"));
        }
        if (group.equals(GrantRepository.EVERYONE) && wanted.contains(Permission.ADMIN)) {
            throw new InvalidRequestException(
                    "everyone cannot be given the admin permission",
                    Map.of("permissions", "admin cannot be granted to everyone"));
        }
        database.inTransaction("set permissions of " + group, () -> {
            permissions.replace(group, wanted);
            database.changes().record(Change.Kind.PERMISSIONS, "");
            audit.success(
                    actor.username(),
                    "group.permissions",
                    group.equals(GrantRepository.EVERYONE) ? "everyone" : group,
                    sourceIp,
                    "permissions="
                            + String.join(
                                    ",",
                                    wanted.stream().map(Permission::wireName).toList()));
        });
        onChange.run();
        return permissions.ofGroup(group);
    }
}
