package org.patgate.server.directory;

import java.util.List;

/**
 * A change to a user; every field is optional (null: unchanged). An empty {@code email} clears
 * it, an empty {@code displayName} resets it to the username; {@code groups} replaces the
 * memberships; {@code password} is wiped by {@link UserAccounts#update} once hashed.
 */
public record UserChange(String displayName, String email, List<String> groups, Boolean enabled, char[] password) {
    public UserChange {
        groups = groups == null ? null : List.copyOf(groups);
    }

    boolean isEmpty() {
        return displayName == null && email == null && groups == null && enabled == null && password == null;
    }

    @Override
    public String toString() {
        return "UserChange[displayName=" + displayName + ", email=" + email + ", groups=" + groups + ", enabled="
                + enabled + ", password=" + (password == null ? "unchanged" : "******") + "]";
    }
}
