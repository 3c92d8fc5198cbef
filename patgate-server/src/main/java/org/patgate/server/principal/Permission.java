package org.patgate.server.principal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.error.InvalidRequestException;

/**
 * What a group may do. Granted to groups (and to "everyone"); a user holds the union of the grants
 * of their groups. {@link #ADMIN} implies every other permission.
 */
public enum Permission {
    /** A token only works while its owner holds this. */
    USE_TOKENS("use-tokens"),
    /** Create tokens for oneself. */
    CREATE_TOKENS("create-tokens"),
    /** Create tokens owned by another user (technical and service users). */
    CREATE_TOKENS_FOR_OTHERS("create-tokens-for-others"),
    /** See, revoke and rotate every user's tokens. */
    MANAGE_ALL_TOKENS("manage-all-tokens"),
    /** Administer PATgate: users, groups, permissions, audit, settings. */
    ADMIN("admin");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Permission fromWireName(String value) {
        for (Permission permission : values()) {
            if (permission.wireName.equals(value)) {
                return permission;
            }
        }
        throw new InvalidRequestException(
                "unknown permission '" + value + "': expected one of "
                        + String.join(
                                ", ",
                                Arrays.stream(values())
                                        .map(Permission::wireName)
                                        .toList()),
                Map.of("permissions", "unknown permission"));
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
