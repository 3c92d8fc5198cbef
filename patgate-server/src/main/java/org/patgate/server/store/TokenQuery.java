package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.patgate.core.PatgateException;

/**
 * A token search. Every filter is optional: {@code ownerId}; {@code status}, one of
 * {@code active}, {@code expired}, {@code revoked}, {@code pending}, {@code denied}, where
 * active and expired are judged at {@code now}; {@code text}, matching a name that contains it
 * (ignoring case) or a hint equal to it. {@code now} and {@code page} are required.
 */
public record TokenQuery(Long ownerId, String status, String text, Instant now, PageRequest page) {

    static final Set<String> STATUSES = Set.of("active", "expired", "revoked", "pending", "denied");

    public TokenQuery {
        if (status != null && !STATUSES.contains(status)) {
            throw new PatgateException("unknown token status filter '" + status
                    + "': expected active, expired, revoked, pending or denied");
        }
        if (text != null && text.isBlank()) {
            text = null;
        }
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(page, "page");
    }
}
