package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored user. {@code username} is displayed as entered; lookups compare it
 * case-insensitively. {@code passwordHash} is null for directory (LDAP) users and users
 * without a local password; {@link #toString()} never prints it. Immutable.
 */
public record UserRecord(
        long id,
        String username,
        String displayName,
        String email,
        String passwordHash,
        String source,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    public UserRecord {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    @Override
    public String toString() {
        return "UserRecord[id=" + id + ", username=" + username + ", displayName=" + displayName
                + ", email=" + email + ", passwordHash=" + (passwordHash == null ? "null" : "***")
                + ", source=" + source + ", enabled=" + enabled + ", createdAt=" + createdAt
                + ", updatedAt=" + updatedAt + "]";
    }
}
