package org.patgate.server.permission;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.patgate.server.principal.Permission;
import org.patgate.server.store.GrantRepository;

/**
 * Resolves a user's permissions from their groups using the grants table, kept in memory (it is
 * small) and reloaded whenever it is changed through {@link #replace}. Thread-safe.
 */
public final class Permissions {

    /** The group key that stands for every user. */
    public static final String EVERYONE = GrantRepository.EVERYONE;

    private final GrantRepository grants;
    private final AtomicReference<Map<String, Set<Permission>>> byGroup = new AtomicReference<>();
    private final long maxAgeNanos;
    private volatile long loadedAt;

    /**
     * @param maxAge how old the in-memory copy may get before it is read again, so changes made on
     *               other nodes of a cluster apply within it (use the token cache TTL)
     */
    public Permissions(GrantRepository grants, Duration maxAge) {
        this.grants = grants;
        this.maxAgeNanos = maxAge.toNanos();
        reload();
    }

    /** The key grants of {@code group} are stored under: lower case, or {@link #EVERYONE}. */
    public static String key(String group) {
        return GrantRepository.key(group);
    }

    /** The permissions of a member of these groups (plus what everyone holds); ADMIN implies all. */
    public Set<Permission> of(Collection<String> groups) {
        Map<String, Set<Permission>> table = current();
        EnumSet<Permission> result = EnumSet.noneOf(Permission.class);
        result.addAll(table.getOrDefault(GrantRepository.EVERYONE, Set.of()));
        for (String group : groups) {
            result.addAll(table.getOrDefault(group.toLowerCase(Locale.ROOT), Set.of()));
        }
        if (result.contains(Permission.ADMIN)) {
            return EnumSet.allOf(Permission.class);
        }
        return result;
    }

    /** Every group key with grants, and its permissions. */
    public Map<String, Set<Permission>> all() {
        return new TreeMap<>(current());
    }

    /** The grants of one group ("*" for everyone). */
    public Set<Permission> ofGroup(String group) {
        return current().getOrDefault(GrantRepository.key(group), Set.of());
    }

    /** Replaces one group's grants and makes them effective at once on this node. */
    public void replace(String group, Set<Permission> permissions) {
        grants.replace(group, permissions.stream().map(Permission::wireName).collect(Collectors.toSet()));
        reload();
    }

    /** Makes sure a group holds a permission (the admin group's ADMIN at start-up). */
    public void ensure(String group, Permission permission) {
        grants.ensure(group, permission.wireName());
        reload();
    }

    private Map<String, Set<Permission>> current() {
        if (System.nanoTime() - loadedAt > maxAgeNanos) {
            reload();
        }
        return byGroup.get();
    }

    public void reload() {
        Map<String, Set<Permission>> table = new TreeMap<>();
        grants.all().forEach((group, names) -> {
            EnumSet<Permission> set = EnumSet.noneOf(Permission.class);
            for (String name : names) {
                set.add(Permission.fromWireName(name));
            }
            table.put(group, Set.copyOf(set));
        });
        byGroup.set(Map.copyOf(table));
        loadedAt = System.nanoTime();
    }
}
