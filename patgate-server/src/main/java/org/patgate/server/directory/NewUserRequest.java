package org.patgate.server.directory;

import java.util.List;

/** What a new local user needs; {@code password} is wiped by {@link UserAccounts#create} once hashed. */
public record NewUserRequest(String username, char[] password, String displayName, String email, List<String> groups) {
    public NewUserRequest {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    @Override
    public String toString() {
        return "NewUserRequest[username=" + username + ", groups=" + groups + "]";
    }
}
