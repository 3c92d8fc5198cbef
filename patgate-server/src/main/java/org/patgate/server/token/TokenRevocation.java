package org.patgate.server.token;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenQuery;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenStatus;

/**
 * Revokes tokens: one, a list of ids, or every token a filter matches, each audited as
 * {@code token.revoke}. Revocations of one call commit together, with their audit events, and are
 * pushed to the {@link TokenVerifier} so they take effect on the next request. Revoking a revoked
 * token is a no-op. Thread-safe.
 */
public final class TokenRevocation {

    /** The most tokens one bulk revocation touches; more must be narrowed down. */
    public static final int MAX_BULK = 10_000;

    private final Database database;
    private final TokenQueries queries;
    private final TokenVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;
    private final List<BiConsumer<Principal, TokenRecord>> revokedListeners = new CopyOnWriteArrayList<>();

    public TokenRevocation(
            Database database, TokenQueries queries, TokenVerifier verifier, AuditLog audit, Clock clock) {
        this.database = database;
        this.queries = queries;
        this.verifier = verifier;
        this.audit = audit;
        this.clock = clock;
    }

    /** Revokes a token the caller may see; takes effect on the next request. */
    public TokenRecord revoke(Principal actor, String sourceIp, String id) {
        TokenRecord token = queries.get(actor, id);
        boolean[] changed = {false};
        database.inTransaction("revoke token " + id, () -> {
            if (database.tokens().revoke(id, actor.userId(), TokenQueries.now(clock))) {
                database.changes().record(Change.Kind.TOKEN, token.digestHex());
                audit.success(actor.username(), "token.revoke", id, sourceIp, "owner=" + token.ownerUsername());
                changed[0] = true;
            }
        });
        verifier.invalidate(token.digestHex());
        TokenRecord revoked = database.tokens().findById(id).orElseThrow();
        if (changed[0]) {
            revokedListeners.forEach(listener -> listener.accept(actor, revoked));
        }
        return revoked;
    }

    /**
     * Revokes a token on PATgate's own account, no user acting (e.g. unused too long), audited as
     * {@code token.revoke} by actor {@code system} with {@code reason}. True if this call revoked it.
     */
    public boolean revokeBySystem(String id, String reason) {
        TokenRecord token = database.tokens().findById(id).orElse(null);
        if (token == null) {
            return false;
        }
        boolean changed = database.inTransaction("revoke token " + id, () -> {
            if (database.tokens().setStatus(id, TokenStatus.ACTIVE, TokenStatus.REVOKED)) {
                database.changes().record(Change.Kind.TOKEN, token.digestHex());
                audit.success(
                        "system", "token.revoke", id, null, "owner=" + token.ownerUsername() + " reason=" + reason);
                return true;
            }
            return false;
        });
        verifier.invalidate(token.digestHex());
        return changed;
    }

    /**
     * Calls {@code listener} with the actor and the token after each revocation a user made has
     * committed (not for tokens that were revoked already, nor for {@link #revokeBySystem}).
     */
    public void onRevoked(BiConsumer<Principal, TokenRecord> listener) {
        revokedListeners.add(listener);
    }

    /**
     * Revokes the tokens with these ids, each audited as {@code token.revoke} with the actor. Every id
     * must name a token the caller may manage, else nothing is revoked and the first unknown id is
     * reported as not found. Already revoked tokens are left alone. Returns the ids this call revoked.
     */
    public List<String> revokeAll(Principal actor, String sourceIp, List<String> ids) {
        if (ids.size() > MAX_BULK) {
            throw new InvalidRequestException(
                    "ids: at most " + MAX_BULK + " at once", Map.of("ids", "at most " + MAX_BULK));
        }
        List<TokenRecord> tokens = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            tokens.add(queries.get(actor, id));
        }
        return revokeEach(actor, sourceIp, tokens, "bulk");
    }

    /**
     * Revokes every token the caller may manage that matches {@code filter} (which must narrow: a
     * filter of nothing would revoke everything), each audited as {@code token.revoke}. Returns the
     * ids this call revoked; tokens already revoked are left alone.
     */
    public List<String> revokeMatching(Principal actor, String sourceIp, TokenFilter filter) {
        if (!filter.narrows()) {
            throw new InvalidRequestException(
                    "give ids, or at least one filter (owner, status, scope, q, expiresBefore, "
                            + "lastUsedBefore); revoking every token at once is not offered");
        }
        Optional<TokenQuery> query = queries.query(actor, filter, new PageRequest(0, PageRequest.MAX_SIZE));
        if (query.isEmpty()) {
            return List.of();
        }
        // Collect first, then revoke: revoking while paging would shift the pages under a status filter.
        List<TokenRecord> matching = new ArrayList<>();
        Page<TokenRecord> page = database.tokens().search(query.get());
        if (page.total() > MAX_BULK) {
            throw new InvalidRequestException(
                    page.total() + " tokens match; revoke at most " + MAX_BULK + " at once (narrow the filter)");
        }
        matching.addAll(page.items());
        for (int next = 1; matching.size() < page.total() && !page.items().isEmpty(); next++) {
            page = database.tokens().search(query.get().withPage(new PageRequest(next, PageRequest.MAX_SIZE)));
            matching.addAll(page.items());
        }
        return revokeEach(actor, sourceIp, matching, "filter");
    }

    private List<String> revokeEach(Principal actor, String sourceIp, List<TokenRecord> tokens, String how) {
        Instant now = TokenQueries.now(clock);
        List<String> revoked = database.inTransaction("revoke " + tokens.size() + " tokens", () -> {
            List<String> changed = new ArrayList<>();
            for (TokenRecord token : tokens) {
                if (database.tokens().revoke(token.id(), actor.userId(), now)) {
                    changed.add(token.id());
                    database.changes().record(Change.Kind.TOKEN, token.digestHex());
                    audit.success(
                            actor.username(),
                            "token.revoke",
                            token.id(),
                            sourceIp,
                            "owner=" + token.ownerUsername() + " " + how);
                }
            }
            return changed;
        });
        tokens.forEach(token -> verifier.invalidate(token.digestHex()));
        for (TokenRecord token : tokens) {
            if (revoked.contains(token.id()) && !revokedListeners.isEmpty()) {
                database.tokens()
                        .findById(token.id())
                        .ifPresent(stored -> revokedListeners.forEach(listener -> listener.accept(actor, stored)));
            }
        }
        return revoked;
    }
}
