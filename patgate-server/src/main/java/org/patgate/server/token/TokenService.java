package org.patgate.server.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.patgate.core.PatgateException;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.text.UnsafeText;
import org.patgate.core.token.Base62;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.principal.Principal;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Permission;
import org.patgate.server.directory.Directories;
import org.patgate.server.policy.EffectivePolicy;
import org.patgate.server.policy.Policies;
import org.patgate.server.policy.PolicyCheck;
import org.patgate.server.store.TokenDecisionRecord;
import org.patgate.server.store.TokenDecisionRepository;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewToken;
import org.patgate.server.store.Page;
import org.patgate.server.store.PageRequest;
import org.patgate.server.store.TokenQuery;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;

/**
 * The token lifecycle: create (secret shown once), list, get, revoke, rotate. Users manage their own
 * tokens; admins manage all and may create tokens for others. A token the caller may not see is
 * reported as not found, so ids never leak. Every change is audited and pushed to the
 * {@link TokenVerifier} so it takes effect on the next request. Thread-safe.
 */
public final class TokenService {

    private static final int MAX_NAME_LENGTH = 100;
    private static final int ID_LENGTH = 12;
    /** The most tokens one bulk revocation touches; more must be narrowed down. */
    public static final int MAX_BULK = 10_000;

    private final Database database;
    private final TokenFormat format;
    private final TokenDigester digester;
    private final TokenVerifier verifier;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;
    private final int maxLifetimeDays;
    private final Directories directory;
    private final Policies policies;
    private final TokenDecisionRepository decisions;

    public TokenService(Database database, TokenFormat format, TokenDigester digester, TokenVerifier verifier,
            AuditLog audit, SecureRandom random, Clock clock, int maxLifetimeDays, Directories directory,
            Policies policies, TokenDecisionRepository decisions) {
        this.directory = directory;
        this.policies = policies;
        this.decisions = decisions;
        this.database = database;
        this.format = format;
        this.digester = digester;
        this.verifier = verifier;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
        this.maxLifetimeDays = maxLifetimeDays;
    }

    /** Creates a token; the returned secret is the only copy that will ever exist. */
    public IssuedToken create(Principal actor, String sourceIp, TokenRequest request) {
        Instant now = now();
        UserRecord owner = resolveOwner(actor, sourceIp, request.owner());
        Map<String, String> errors = validate(request, now);
        if (!errors.isEmpty()) {
            audit.failure(actor.username(), "token.create", owner.username(), sourceIp, "invalid request");
            throw InvalidRequestException.of(errors);
        }
        EffectivePolicy policy = policies.effectiveFor(directory.toPrincipal(owner).groups());
        PolicyCheck.Outcome outcome = PolicyCheck.check(policy, request.expiresAt(), request.scope(),
                IpRangeSet.of(request.allowedIps()).toStrings(), now, database.tokens().countActive(owner.id(), now));
        if (!outcome.errors().isEmpty()) {
            audit.failure(actor.username(), "token.create", owner.username(), sourceIp, "refused by policy");
            throw InvalidRequestException.of(outcome.errors());
        }
        if (outcome.conflict() != null) {
            audit.failure(actor.username(), "token.create", owner.username(), sourceIp, "refused by policy: too many tokens");
            throw new ConflictException(outcome.conflict());
        }
        String secret = format.generate(random);
        TokenStatus status = outcome.pending() ? TokenStatus.PENDING : TokenStatus.ACTIVE;
        NewToken row = new NewToken(newId(), digester.digest(secret).hex(),
                TokenFormat.hintOf(secret), request.name().strip(), owner.id(), actor.userId(), request.scope(),
                outcome.allowedIps(), request.expiresAt(), now, status, TokenRulesCodec.toJson(request.rules()));
        EffectivePolicy.Limit limit = policy.maxActiveTokens();
        // The count above was a quick answer; this one, under the owner's row lock, is the one that holds.
        TokenRecord token = limit == null || status != TokenStatus.ACTIVE ? database.tokens().insert(row)
                : database.tokens().insertWithinLimit(row, limit.value(), now).orElseThrow(() -> {
                    audit.failure(actor.username(), "token.create", owner.username(), sourceIp,
                            "refused by policy: too many tokens");
                    return new ConflictException(PolicyCheck.tooManyTokens(limit));
                });
        audit.success(actor.username(), "token.create", token.id(), sourceIp, "owner=" + owner.username() + " scope="
                + token.scope().wireName() + " status=" + status.wireName() + " name=" + token.name());
        return new IssuedToken(token, secret);
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
        return query.isEmpty() ? new Page<>(List.of(), 0, page.page(), page.size())
                : database.tokens().search(query.get());
    }

    /** The store query for what {@code actor} may see of {@code filter}; empty when nothing can match. */
    private Optional<TokenQuery> query(Principal actor, TokenFilter filter, PageRequest page) {
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
        return Optional.of(new TokenQuery(ownerId, filter.status(), filter.text(), filter.scope(),
                filter.expiresBefore(), filter.lastUsedBefore(), filter.sort(), now(), page));
    }

    /**
     * Revokes the tokens with these ids, each audited as {@code token.revoke} with the actor. Every id
     * must name a token the caller may manage, else nothing is revoked and the first unknown id is
     * reported as not found. Already revoked tokens are left alone. Returns the ids this call revoked.
     */
    public List<String> revokeAll(Principal actor, String sourceIp, List<String> ids) {
        if (ids.size() > MAX_BULK) {
            throw new InvalidRequestException("ids: at most " + MAX_BULK + " at once", Map.of("ids", "at most " + MAX_BULK));
        }
        List<TokenRecord> tokens = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            tokens.add(visible(actor, id));
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
            throw new InvalidRequestException("give ids, or at least one filter (owner, status, scope, q, expiresBefore, "
                    + "lastUsedBefore); revoking every token at once is not offered");
        }
        Optional<TokenQuery> query = query(actor, filter, new PageRequest(0, PageRequest.MAX_SIZE));
        if (query.isEmpty()) {
            return List.of();
        }
        // Collect first, then revoke: revoking while paging would shift the pages under a status filter.
        List<TokenRecord> matching = new ArrayList<>();
        Page<TokenRecord> page = database.tokens().search(query.get());
        if (page.total() > MAX_BULK) {
            throw new InvalidRequestException(page.total() + " tokens match; revoke at most " + MAX_BULK
                    + " at once (narrow the filter)");
        }
        matching.addAll(page.items());
        for (int next = 1; matching.size() < page.total() && !page.items().isEmpty(); next++) {
            page = database.tokens().search(query.get().withPage(new PageRequest(next, PageRequest.MAX_SIZE)));
            matching.addAll(page.items());
        }
        return revokeEach(actor, sourceIp, matching, "filter");
    }

    private List<String> revokeEach(Principal actor, String sourceIp, List<TokenRecord> tokens, String how) {
        List<String> revoked = new ArrayList<>();
        Instant now = now();
        for (TokenRecord token : tokens) {
            if (database.tokens().revoke(token.id(), actor.userId(), now)) {
                revoked.add(token.id());
                audit.success(actor.username(), "token.revoke", token.id(), sourceIp,
                        "owner=" + token.ownerUsername() + " " + how);
            }
            verifier.invalidate(token.digestHex());
        }
        return revoked;
    }

    /** One token the caller may see, else {@link NotFoundException}. */
    public TokenRecord get(Principal actor, String id) {
        return visible(actor, id);
    }

    /** Revokes a token; revoking a revoked token is a no-op. Takes effect on the next request. */
    public TokenRecord revoke(Principal actor, String sourceIp, String id) {
        TokenRecord token = visible(actor, id);
        boolean changed = database.tokens().revoke(id, actor.userId(), now());
        verifier.invalidate(token.digestHex());
        if (changed) {
            audit.success(actor.username(), "token.revoke", id, sourceIp, "owner=" + token.ownerUsername());
        }
        return database.tokens().findById(id).orElseThrow();
    }

    /** Issues a new secret for the same settings; the old secret stops working immediately. */
    public IssuedToken rotate(Principal actor, String sourceIp, String id) {
        TokenRecord token = visible(actor, id);
        String state = token.effectiveStatus(now());
        if (!state.equals("active")) {
            audit.failure(actor.username(), "token.rotate", id, sourceIp, "token is " + state);
            throw new ConflictException("token " + id + " is " + state + " and cannot be rotated");
        }
        String secret = format.generate(random);
        String digest = digester.digest(secret).hex();
        Instant at = now();
        // Compare-and-set on the digest read above: of two concurrent rotations only one wins, so no
        // caller is handed a secret that another rotation overwrote in the same instant.
        if (!database.tokens().rotate(id, token.digestHex(), digest, TokenFormat.hintOf(secret), at)) {
            throw new ConflictException("token " + id + " changed while rotating; try again");
        }
        verifier.invalidate(token.digestHex());
        audit.success(actor.username(), "token.rotate", id, sourceIp, "owner=" + token.ownerUsername());
        // Described as this rotation left it (a re-read could already show a later rotation's hint).
        return new IssuedToken(token.rotatedTo(digest, TokenFormat.hintOf(secret), at), secret);
    }

    private TokenRecord visible(Principal actor, String id) {
        Optional<TokenRecord> token = id == null || id.length() > 64 ? Optional.empty() : database.tokens().findById(id);
        if (token.isEmpty() || (!managesAll(actor) && token.get().ownerId() != actor.userId())) {
            throw new NotFoundException("no token with id '" + (id == null ? "" : id.substring(0, Math.min(id.length(), 64))) + "'");
        }
        return token.get();
    }

    /** Tokens waiting for approval (approvers: admins and holders of manage-all-tokens). */
    public Page<TokenRecord> pending(Principal actor, PageRequest page) {
        requireApprover(actor);
        return database.tokens().search(new TokenQuery(null, "pending", null, now(), page));
    }

    /**
     * Approves or denies a pending token. A denial needs a reason; the decision is final (a denied
     * token never works) and takes effect on the next request.
     */
    public TokenRecord decide(Principal actor, String sourceIp, String id, boolean approve, String reason) {
        requireApprover(actor);
        TokenRecord token = visible(actor, id);
        String why = reason == null ? null : reason.strip();
        if (!approve && (why == null || why.isEmpty())) {
            throw new InvalidRequestException("reason: required when denying a token", Map.of("reason", "required"));
        }
        if (why != null && (why.length() > 1000 || UnsafeText.firstUnsafe(why) != null)) {
            throw new InvalidRequestException("reason: at most 1000 characters, no control or bidirectional formatting "
                    + "characters", Map.of("reason", "at most 1000 characters, no control or bidirectional formatting "
                    + "characters"));
        }
        EffectivePolicy.Limit limit = null;
        UserRecord owner = null;
        if (approve) {
            owner = database.users().findById(token.ownerId())
                    .orElseThrow(() -> new ConflictException("the owner of token " + id + " no longer exists"));
            limit = policies.effectiveFor(directory.toPrincipal(owner).groups()).maxActiveTokens();
        }
        // Counted and changed in one transaction under the owner's row lock: parallel approvals hold the limit.
        switch (decisions.decide(id, approve, why, actor.userId(), now(), token.ownerId(),
                limit == null ? null : limit.value())) {
            case LIMIT_REACHED -> throw new ConflictException(owner.username() + " already has " + limit.value()
                    + " active tokens, the most the policy of group '" + limit.group() + "' allows; deny this one or "
                    + "revoke another first");
            case NOT_PENDING -> throw new ConflictException("token " + id + " is " + database.tokens().findById(id)
                    .map(t -> t.effectiveStatus(now())).orElse("gone") + ", not pending");
            case DECIDED -> { }
        }
        verifier.invalidate(token.digestHex());
        audit.success(actor.username(), approve ? "token.approve" : "token.deny", id, sourceIp,
                "owner=" + token.ownerUsername() + (why == null ? "" : " reason=" + why));
        return database.tokens().findById(id).orElseThrow();
    }

    /**
     * Why a token does not work right now, in words for its owner; null when it works. Covers the
     * owner's state too: a token of a disabled user, or of one who lost use-tokens, is stopped.
     */
    public String statusReason(TokenRecord token) {
        Instant now = now();
        return switch (token.effectiveStatus(now)) {
            case "revoked" -> "revoked" + (token.revokedByUsername() == null ? "" : " by " + token.revokedByUsername())
                    + (token.revokedAt() == null ? "" : " at " + token.revokedAt());
            case "expired" -> "expired at " + token.expiresAt();
            case "pending" -> "waiting for an administrator's approval";
            case "denied" -> decisions.find(token.id()).map(d -> "denied by " + d.decidedBy()
                    + (d.reason() == null ? "" : ": " + d.reason())).orElse("denied");
            // whyNoTokens answers null for an owner who may use tokens: that token works.
            default -> {
                Optional<UserRecord> owner = database.users().findById(token.ownerId());
                yield owner.isEmpty() ? "its owner no longer exists" : directory.whyNoTokens(owner.get());
            }
        };
    }

    /** The approval decision on a token, if one was made. */
    public Optional<TokenDecisionRecord> decisionOn(TokenRecord token) {
        return token.status() == TokenStatus.PENDING ? Optional.empty() : decisions.find(token.id());
    }

    private static void requireApprover(Principal actor) {
        if (!actor.admin() && !actor.has(Permission.MANAGE_ALL_TOKENS)) {
            throw new ForbiddenException("approving tokens needs the admin or manage-all-tokens permission");
        }
    }

    private static boolean managesAll(Principal actor) {
        return actor.has(Permission.MANAGE_ALL_TOKENS);
    }

    private UserRecord resolveOwner(Principal actor, String sourceIp, String owner) {
        if (owner == null || owner.isEmpty() || owner.equalsIgnoreCase(actor.username())) {
            if (!actor.has(Permission.CREATE_TOKENS)) {
                audit.failure(actor.username(), "token.create", actor.username(), sourceIp, "lacks create-tokens");
                throw new ForbiddenException("creating tokens needs the create-tokens permission");
            }
            UserRecord self = database.users().findById(actor.userId())
                    .orElseThrow(() -> new NotFoundException("your user no longer exists"));
            if (!directory.mayUseTokens(self)) {
                throw new ForbiddenException("you may not use tokens (no use-tokens permission), so you cannot create one");
            }
            return self;
        }
        if (!actor.has(Permission.CREATE_TOKENS_FOR_OTHERS)) {
            audit.failure(actor.username(), "token.create", owner, sourceIp, "lacks create-tokens-for-others");
            throw new ForbiddenException("creating tokens for other users needs the create-tokens-for-others permission");
        }
        // An LDAP user who never logged in is added now, so tokens can be prepared for them.
        UserRecord record = directory.findOrProvision(owner)
                .orElseThrow(() -> new InvalidRequestException("owner: no user named '" + owner + "'",
                        Map.of("owner", "no such user")));
        if (!record.enabled()) {
            throw new InvalidRequestException("owner: user '" + owner + "' is disabled", Map.of("owner", "user is disabled"));
        }
        if (!directory.mayUseTokens(record)) {
            throw new InvalidRequestException("owner: user '" + owner + "' may not use tokens (no use-tokens permission)",
                    Map.of("owner", "may not use tokens"));
        }
        return record;
    }

    private Map<String, String> validate(TokenRequest request, Instant now) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = request.name();
        if (name == null || name.isBlank()) {
            errors.put("name", "required");
        } else if (name.strip().length() > MAX_NAME_LENGTH) {
            errors.put("name", "at most " + MAX_NAME_LENGTH + " characters");
        } else if (UnsafeText.firstUnsafe(name) != null) {
            errors.put("name", "no control or bidirectional formatting characters (found " + UnsafeText.firstUnsafe(name)
                    + ")");
        }
        if (request.scope() == null) {
            errors.put("scope", "required: read-only or read-write");
        }
        Instant expiresAt = request.expiresAt();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            errors.put("expiresAt", "must be in the future");
        }
        if (maxLifetimeDays > 0) {
            Instant limit = now.plus(Duration.ofDays(maxLifetimeDays));
            if (expiresAt == null) {
                errors.put("expiresAt", "required: tokens on this server expire within " + maxLifetimeDays + " days");
            } else if (expiresAt.isAfter(limit.plus(1, ChronoUnit.MINUTES))) {
                errors.put("expiresAt", "must be at most " + maxLifetimeDays + " days from now (until " + limit + ")");
            }
        }
        try {
            IpRangeSet.of(request.allowedIps());
        } catch (PatgateException e) {
            errors.put("allowedIps", e.getMessage());
        }
        return errors;
    }

    private String newId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(Base62.digit(random.nextInt(Base62.RADIX)));
        }
        return id.toString();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

}
