package org.patgate.server.token;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenQuery;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.UserRecord;

/**
 * Which tokens a caller may see, and finding them: users see their own, holders of
 * manage-all-tokens everyone's. A token the caller may not see is reported as not found, so ids
 * never leak. Read-only; thread-safe.
 */
public final class TokenQueries {

    private final Database database;
    private final Clock clock;

    public TokenQueries(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Tokens the caller may see: their own, or (admins) everyone's with an optional owner filter. */
    public Page<TokenRecord> list(Principal actor, String ownerFilter, String status, String text, PageRequest page) {
        return list(actor, new TokenFilter(ownerFilter, status, null, text, null, null, null), page);
    }

    /**
     * Tokens the caller may see that match {@code filter}: their own, or with manage-all-tokens
     * everyone's. Asking for another owner's tokens without that permission is forbidden; an
     * unknown owner gives an empty page.
     */
    public Page<TokenRecord> list(Principal actor, TokenFilter filter, PageRequest page) {
        Optional<TokenQuery> query = query(actor, filter, page);
        return query.isEmpty()
                ? new Page<>(List.of(), 0, page.page(), page.size())
                : database.tokens().search(query.get());
    }

    /** One token the caller may see, else {@link NotFoundException}. */
    public TokenRecord get(Principal actor, String id) {
        Optional<TokenRecord> token = id == null || id.length() > 64
                ? Optional.empty()
                : database.tokens().findById(id);
        if (token.isEmpty() || (!managesAll(actor) && token.get().ownerId() != actor.userId())) {
            throw new NotFoundException(
                    "no token with id '" + (id == null ? "" : id.substring(0, Math.min(id.length(), 64))) + "'");
        }
        return token.get();
    }

    /** A token with its owner's record. */
    public record OwnedToken(TokenRecord token, UserRecord owner) {}

    /**
     * A token and its owner, for a token describing itself once it was verified (no actor: the
     * token is its own authority); empty when either is gone.
     */
    public Optional<OwnedToken> ownedToken(String id) {
        return database.tokens()
                .findById(id)
                .flatMap(
                        token -> database.users().findById(token.ownerId()).map(owner -> new OwnedToken(token, owner)));
    }

    /** The store query for what {@code actor} may see of {@code filter}; empty when nothing can match. */
    Optional<TokenQuery> query(Principal actor, TokenFilter filter, PageRequest page) {
        Long ownerId;
        String ownerFilter = filter.owner();
        if (ownerFilter == null) {
            ownerId = managesAll(actor) ? null : actor.userId();
        } else if (!managesAll(actor) && !ownerFilter.equalsIgnoreCase(actor.username())) {
            throw new ForbiddenException("listing other users' tokens needs the manage-all-tokens permission");
        } else {
            Optional<UserRecord> owner = database.users().findByUsername(ownerFilter);
            if (owner.isEmpty()) {
                return Optional.empty();
            }
            ownerId = owner.get().id();
        }
        return Optional.of(new TokenQuery(
                ownerId,
                filter.status(),
                filter.text(),
                filter.scope(),
                filter.expiresBefore(),
                filter.lastUsedBefore(),
                filter.sort(),
                now(clock),
                page));
    }

    private static boolean managesAll(Principal actor) {
        return actor.has(Permission.MANAGE_ALL_TOKENS);
    }

    /** Now as the store keeps it (microseconds), so comparisons with stored instants are exact. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
