package org.patgate.server.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.patgate.core.PatgateException;

/**
 * The orders a token search can return: by creation, expiry, last use, name or owner, ascending or
 * descending. Ties are broken newest first, then by id, so pages never overlap. A token without
 * expiry counts as expiring last, a token never used as used before every used one; both databases
 * order these the same way.
 */
public enum TokenSort {
    CREATED("created", " ORDER BY t.created_at, t.id"),
    CREATED_DESC("-created", " ORDER BY t.created_at DESC, t.id"),
    EXPIRES("expires", " ORDER BY t.expires_at ASC NULLS LAST, t.created_at DESC, t.id"),
    EXPIRES_DESC("-expires", " ORDER BY t.expires_at DESC NULLS FIRST, t.created_at DESC, t.id"),
    LAST_USED("lastUsed", " ORDER BY t.last_used_at ASC NULLS FIRST, t.created_at DESC, t.id"),
    LAST_USED_DESC("-lastUsed", " ORDER BY t.last_used_at DESC NULLS LAST, t.created_at DESC, t.id"),
    NAME("name", " ORDER BY LOWER(t.name), t.created_at DESC, t.id"),
    NAME_DESC("-name", " ORDER BY LOWER(t.name) DESC, t.created_at DESC, t.id"),
    OWNER("owner", " ORDER BY o.username_key, t.created_at DESC, t.id"),
    OWNER_DESC("-owner", " ORDER BY o.username_key DESC, t.created_at DESC, t.id");

    /** Newest first: what lists show when no order is asked for. */
    public static final TokenSort DEFAULT = CREATED_DESC;

    private final String wireName;
    private final String orderBy;

    TokenSort(String wireName, String orderBy) {
        this.wireName = wireName;
        this.orderBy = orderBy;
    }

    /** As in the API: a field name, with a leading {@code -} for descending, e.g. {@code -expires}. */
    public String wireName() {
        return wireName;
    }

    String orderBy() {
        return orderBy;
    }

    /** The sort with this wire name (field names ignore case); unknown names are refused. */
    public static TokenSort fromWireName(String value) {
        for (TokenSort sort : values()) {
            if (sort.wireName.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return sort;
            }
        }
        throw new PatgateException("unknown token sort '" + value + "': expected one of " + names());
    }

    /** The wire names, comma-separated, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(TokenSort::wireName).collect(Collectors.joining(", "));
    }
}
