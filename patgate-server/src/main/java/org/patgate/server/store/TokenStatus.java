package org.patgate.server.store;

import java.util.Locale;
import org.patgate.core.PatgateException;

/**
 * The stored lifecycle state of a token. "Expired" is not stored: it is computed from
 * {@code expiresAt} at the time of asking (see {@link TokenRecord#effectiveStatus}).
 */
public enum TokenStatus {
    ACTIVE,
    PENDING,
    REVOKED,
    DENIED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name used in the database, JSON and the CLI: {@code active}, {@code pending}, ... */
    public String wireName() {
        return wireName;
    }

    /** Parses the wire name exactly; anything else is refused with the accepted values. */
    public static TokenStatus fromWireName(String value) {
        for (TokenStatus status : values()) {
            if (status.wireName.equals(value)) {
                return status;
            }
        }
        throw new PatgateException("unknown token status '" + value + "': expected active, pending, revoked or denied");
    }
}
