package org.patgate.server.token;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.core.PatgateException;
import org.patgate.core.token.Scope;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.store.TokenSort;

/**
 * Which tokens a list or a bulk revocation is about. Every field is optional: {@code owner}
 * (username), {@code status} ({@code active}, {@code expired}, {@code revoked}, {@code pending},
 * {@code denied}), {@code scope}, {@code text} (name contains, or hint equals),
 * {@code expiresBefore} (tokens that never expire do not match), {@code lastUsedBefore} (last used
 * before, or never used and created before: stale tokens) and {@code sort} (default newest first).
 * Immutable.
 */
public record TokenFilter(
        String owner,
        String status,
        Scope scope,
        String text,
        Instant expiresBefore,
        Instant lastUsedBefore,
        TokenSort sort) {

    private static final List<String> STATUSES = List.of("active", "expired", "revoked", "pending", "denied");

    public TokenFilter {
        owner = blankToNull(owner);
        status = blankToNull(status);
        text = blankToNull(text);
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidRequestException(
                    "status: must be one of active, expired, revoked, pending, denied",
                    Map.of("status", "must be one of active, expired, revoked, pending, denied"));
        }
        sort = sort == null ? TokenSort.DEFAULT : sort;
    }

    /** No filter: every token the caller may see, newest first. */
    public static final TokenFilter NONE = new TokenFilter(null, null, null, null, null, null, null);

    /** Whether any field other than the sort narrows the tokens. */
    public boolean narrows() {
        return owner != null
                || status != null
                || scope != null
                || text != null
                || expiresBefore != null
                || lastUsedBefore != null;
    }

    /**
     * A filter from wire values (query parameters or a JSON body); null or empty means absent. Every
     * bad value is reported at once, by its wire name, as a 400.
     */
    public static TokenFilter parse(
            String owner,
            String status,
            String scope,
            String text,
            String expiresBefore,
            String lastUsedBefore,
            String sort) {
        Map<String, String> errors = new LinkedHashMap<>();
        Scope parsedScope = null;
        if (blankToNull(scope) != null) {
            try {
                parsedScope = Scope.fromWireName(scope);
            } catch (PatgateException e) {
                errors.put("scope", "must be read-only or read-write");
            }
        }
        TokenSort parsedSort = null;
        if (blankToNull(sort) != null) {
            try {
                parsedSort = TokenSort.fromWireName(sort);
            } catch (PatgateException e) {
                errors.put("sort", "must be one of " + TokenSort.names());
            }
        }
        if (blankToNull(status) != null && !STATUSES.contains(status)) {
            errors.put("status", "must be one of active, expired, revoked, pending, denied");
        }
        Instant expires = instant("expiresBefore", expiresBefore, errors);
        Instant lastUsed = instant("lastUsedBefore", lastUsedBefore, errors);
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
        return new TokenFilter(owner, status, parsedScope, text, expires, lastUsed, parsedSort);
    }

    private static Instant instant(String field, String value, Map<String, String> errors) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            // RFC 3339 requires an offset; a local date-time would be ambiguous.
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            errors.put(field, "not an RFC 3339 timestamp such as 2027-01-31T17:00:00Z");
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
