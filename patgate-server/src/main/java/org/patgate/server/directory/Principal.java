package org.patgate.server.directory;

import java.util.Set;

/**
 * An authenticated user as the rest of the server sees them: who, which groups, and whether they
 * administer PATgate. Immutable.
 */
public record Principal(long userId, String username, String displayName, Set<String> groups, boolean admin) {

    public Principal {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username is required");
        }
        groups = Set.copyOf(groups);
    }
}
