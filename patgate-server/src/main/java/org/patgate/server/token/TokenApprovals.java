package org.patgate.server.token;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.directory.Directories;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.policy.EffectivePolicy;
import org.patgate.server.policy.Policies;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenQuery;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.UserRecord;

/**
 * The approval workflow: tokens waiting for approval, and approving or denying them (admins and
 * holders of manage-all-tokens). An approval keeps to the owner's active-token limit even when
 * several run at once; a denial needs a reason and is final. Audited as {@code token.approve} or
 * {@code token.deny}. Thread-safe.
 */
public final class TokenApprovals {

    private final Database database;
    private final TokenQueries queries;
    private final TokenVerifier verifier;
    private final Directories directory;
    private final Policies policies;
    private final AuditLog audit;
    private final Clock clock;
    private final List<DecisionListener> decisionListeners = new CopyOnWriteArrayList<>();

    /** Told of each approval decision after it has committed. */
    @FunctionalInterface
    public interface DecisionListener {
        void decided(Principal actor, TokenRecord token, boolean approved, String reason);
    }

    public TokenApprovals(
            Database database,
            TokenQueries queries,
            TokenVerifier verifier,
            Directories directory,
            Policies policies,
            AuditLog audit,
            Clock clock) {
        this.database = database;
        this.queries = queries;
        this.verifier = verifier;
        this.directory = directory;
        this.policies = policies;
        this.audit = audit;
        this.clock = clock;
    }

    /** Tokens waiting for approval (approvers: admins and holders of manage-all-tokens). */
    public Page<TokenRecord> pending(Principal actor, PageRequest page) {
        requireApprover(actor);
        return database.tokens().search(new TokenQuery(null, "pending", null, TokenQueries.now(clock), page));
    }

    /**
     * Approves or denies a pending token. A denial needs a reason; the decision is final (a denied
     * token never works) and takes effect on the next request.
     */
    public TokenRecord decide(Principal actor, String sourceIp, String id, boolean approve, String reason) {
        requireApprover(actor);
        TokenRecord token = queries.get(actor, id);
        String why = reason == null ? null : reason.strip();
        if (!approve && (why == null || why.isEmpty())) {
            throw new InvalidRequestException("reason: required when denying a token", Map.of("reason", "required"));
        }
        if (why != null && (why.length() > 1000 || UnsafeText.firstUnsafe(why) != null)) {
            throw new InvalidRequestException(
                    "reason: at most 1000 characters, no control or bidirectional formatting " + "characters",
                    Map.of(
                            "reason",
                            "at most 1000 characters, no control or bidirectional formatting " + "characters"));
        }
        EffectivePolicy.Limit limit = null;
        UserRecord owner = null;
        if (approve) {
            owner = database.users()
                    .findById(token.ownerId())
                    .orElseThrow(() -> new ConflictException("the owner of token " + id + " no longer exists"));
            limit = policies.effectiveFor(directory.toPrincipal(owner).groups()).maxActiveTokens();
        }
        EffectivePolicy.Limit held = limit;
        String ownerName = owner == null ? null : owner.username();
        // Counted and changed in one transaction under the owner's row lock: parallel approvals hold the limit.
        database.inTransaction("decide on token " + id, () -> {
            switch (database.tokenDecisions()
                    .decide(
                            id,
                            approve,
                            why,
                            actor.userId(),
                            TokenQueries.now(clock),
                            token.ownerId(),
                            held == null ? null : held.value())) {
                case LIMIT_REACHED ->
                    throw new ConflictException(ownerName + " already has " + held.value()
                            + " active tokens, the most the policy of group '" + held.group()
                            + "' allows; deny this one or "
                            + "revoke another first");
                case NOT_PENDING ->
                    throw new ConflictException("token " + id + " is "
                            + database.tokens()
                                    .findById(id)
                                    .map(t -> t.effectiveStatus(TokenQueries.now(clock)))
                                    .orElse("gone")
                            + ", not pending");
                case DECIDED -> {}
            }
            database.changes().record(Change.Kind.TOKEN, token.digestHex());
            audit.success(
                    actor.username(),
                    approve ? "token.approve" : "token.deny",
                    id,
                    sourceIp,
                    "owner=" + token.ownerUsername() + (why == null ? "" : " reason=" + why));
        });
        verifier.invalidate(token.digestHex());
        TokenRecord decided = database.tokens().findById(id).orElseThrow();
        decisionListeners.forEach(listener -> listener.decided(actor, decided, approve, why));
        return decided;
    }

    public void onDecided(DecisionListener listener) {
        decisionListeners.add(listener);
    }

    private static void requireApprover(Principal actor) {
        if (!actor.admin() && !actor.has(Permission.MANAGE_ALL_TOKENS)) {
            throw new ForbiddenException("approving tokens needs the admin or manage-all-tokens permission");
        }
    }
}
