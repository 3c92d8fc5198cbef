package org.patgate.server.directory.ldap;

import java.util.Set;

/**
 * A user as read from the LDAP directory, with the names of their groups (direct and, when enabled,
 * nested). {@code displayName} and {@code email} are null when the entry has no such attribute.
 * Immutable.
 */
public record DirectoryUser(String username, String displayName, String email, Set<String> groups) {

    public DirectoryUser {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username is required");
        }
        groups = Set.copyOf(groups);
    }
}
