package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.patgate.core.PatgateException;
import org.patgate.core.token.Scope;

/**
 * A token search. Every filter is optional: {@code ownerId}; {@code status}, one of
 * {@code active}, {@code expired}, {@code revoked}, {@code pending}, {@code denied}, where
 * active and expired are judged at {@code now}; {@code text}, matching a name that contains it
 * (ignoring case) or a hint equal to it; {@code scope}; {@code expiresBefore}, tokens with an
 * expiry before that instant (tokens that never expire do not match); {@code lastUsedBefore},
 * tokens last used before that instant, or never used and created before it (stale tokens).
 * {@code sort} defaults to newest first; {@code now} and {@code page} are required.
 */
public record TokenQuery(
        Long ownerId,
        String status,
        String text,
        Scope scope,
        Instant expiresBefore,
        Instant lastUsedBefore,
        TokenSort sort,
        Instant now,
        PageRequest page) {

    static final Set<String> STATUSES = Set.of("active", "expired", "revoked", "pending", "denied");

    public TokenQuery {
        if (status != null && !STATUSES.contains(status)) {
            throw new PatgateException("unknown token status filter '" + status
                    + "': expected active, expired, revoked, pending or denied");
        }
        if (text != null && text.isBlank()) {
            text = null;
        }
        sort = sort == null ? TokenSort.DEFAULT : sort;
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(page, "page");
    }

    /** A search by owner, status and text only, newest first. */
    public TokenQuery(Long ownerId, String status, String text, Instant now, PageRequest page) {
        this(ownerId, status, text, null, null, null, null, now, page);
    }

    /** The same search for another page. */
    public TokenQuery withPage(PageRequest other) {
        return new TokenQuery(ownerId, status, text, scope, expiresBefore, lastUsedBefore, sort, now, other);
    }
}
