package org.patgate.server.principal;

import java.util.Set;
import org.patgate.server.error.ForbiddenException;

/**
 * An authenticated user as the rest of the server sees them: who, which groups, and which
 * permissions those groups grant. Immutable.
 */
public record Principal(
        long userId, String username, String displayName, Set<String> groups, Set<Permission> permissions) {

    public Principal {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username is required");
        }
        groups = Set.copyOf(groups);
        permissions = Set.copyOf(permissions);
    }

    /** Whether the user administers PATgate. */
    public boolean admin() {
        return permissions.contains(Permission.ADMIN);
    }

    /**
     * The one admin check of every admin-only action: throws {@link ForbiddenException} saying
     * "only administrators may {@code what}" unless the user administers PATgate.
     */
    public void requireAdmin(String what) {
        if (!admin()) {
            throw new ForbiddenException("only administrators may " + what);
        }
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }
}
