package org.patgate.server.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.patgate.core.PatgateException;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.text.UnsafeText;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.directory.Directories;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.policy.EffectivePolicy;
import org.patgate.server.policy.Policies;
import org.patgate.server.policy.PolicyCheck;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewToken;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;

/**
 * Creates tokens: checks who may create a token for whom, validates the request against the server's
 * lifetime limit and the owner's group policy, stores only the digest and hands out the secret once.
 * Users create their own tokens; holders of create-tokens-for-others create them for others. Every
 * attempt is audited. Thread-safe.
 */
public final class TokenIssuer {

    private static final int MAX_NAME_LENGTH = 100;

    private final Database database;
    private final TokenSecrets secrets;
    private final Directories directory;
    private final Policies policies;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxLifetimeDays;
    private final List<BiConsumer<Principal, TokenRecord>> createdListeners = new CopyOnWriteArrayList<>();

    /** @param maxLifetimeDays {@code tokens.maxLifetimeDays}: the longest a token may live, 0 for no limit */
    public TokenIssuer(
            Database database,
            TokenSecrets secrets,
            Directories directory,
            Policies policies,
            AuditLog audit,
            Clock clock,
            int maxLifetimeDays) {
        this.database = database;
        this.secrets = secrets;
        this.directory = directory;
        this.policies = policies;
        this.audit = audit;
        this.clock = clock;
        this.maxLifetimeDays = maxLifetimeDays;
    }

    /** Creates a token; the returned secret is the only copy that will ever exist. */
    public IssuedToken create(Principal actor, String sourceIp, TokenRequest request) {
        Instant now = TokenQueries.now(clock);
        UserRecord owner = resolveOwner(actor, sourceIp, request.owner());
        Map<String, String> errors = validate(request, now);
        if (!errors.isEmpty()) {
            audit.failure(actor.username(), "token.create", owner.username(), sourceIp, "invalid request");
            throw InvalidRequestException.of(errors);
        }
        EffectivePolicy policy =
                policies.effectiveFor(directory.toPrincipal(owner).groups());
        PolicyCheck.Outcome outcome = PolicyCheck.check(
                policy,
                request.expiresAt(),
                request.scope(),
                IpRangeSet.of(request.allowedIps()).toStrings(),
                now,
                database.tokens().countActive(owner.id(), now));
        if (!outcome.errors().isEmpty()) {
            audit.failure(actor.username(), "token.create", owner.username(), sourceIp, "refused by policy");
            throw InvalidRequestException.of(outcome.errors());
        }
        if (outcome.conflict() != null) {
            audit.failure(
                    actor.username(), "token.create", owner.username(), sourceIp, "refused by policy: too many tokens");
            throw new ConflictException(outcome.conflict());
        }
        String secret = secrets.newSecret();
        TokenStatus status = outcome.pending() ? TokenStatus.PENDING : TokenStatus.ACTIVE;
        NewToken row = new NewToken(
                secrets.newId(),
                secrets.digestHex(secret),
                TokenSecrets.hintOf(secret),
                request.name().strip(),
                owner.id(),
                actor.userId(),
                request.scope(),
                outcome.allowedIps(),
                request.expiresAt(),
                now,
                status,
                TokenRulesCodec.toJson(request.rules()));
        EffectivePolicy.Limit limit = policy.maxActiveTokens();
        // The token and its audit event are stored together; a refusal is audited outside, so it stays.
        Optional<TokenRecord> stored = database.inTransaction("create token " + row.id(), () -> {
            // The count above was a quick answer; this one, under the owner's row lock, is the one that holds.
            Optional<TokenRecord> token = limit == null || status != TokenStatus.ACTIVE
                    ? Optional.of(database.tokens().insert(row))
                    : database.tokens().insertWithinLimit(row, limit.value(), now);
            token.ifPresent(t -> audit.success(
                    actor.username(),
                    "token.create",
                    t.id(),
                    sourceIp,
                    "owner="
                            + owner.username() + " scope=" + t.scope().wireName() + " status=" + status.wireName()
                            + " name="
                            + t.name()));
            return token;
        });
        TokenRecord token = stored.orElseThrow(() -> {
            audit.failure(
                    actor.username(), "token.create", owner.username(), sourceIp, "refused by policy: too many tokens");
            return new ConflictException(PolicyCheck.tooManyTokens(limit));
        });
        createdListeners.forEach(listener -> listener.accept(actor, token));
        return new IssuedToken(token, secret);
    }

    /**
     * Calls {@code listener} with the creator and the stored token (active, or pending approval) after
     * each creation has committed; never with the secret. On the creating thread: keep it short.
     */
    public void onCreated(BiConsumer<Principal, TokenRecord> listener) {
        createdListeners.add(listener);
    }

    private UserRecord resolveOwner(Principal actor, String sourceIp, String owner) {
        if (owner == null || owner.isEmpty() || owner.equalsIgnoreCase(actor.username())) {
            if (!actor.has(Permission.CREATE_TOKENS)) {
                audit.failure(actor.username(), "token.create", actor.username(), sourceIp, "lacks create-tokens");
                throw new ForbiddenException("creating tokens needs the create-tokens permission");
            }
            UserRecord self = database.users()
                    .findById(actor.userId())
                    .orElseThrow(() -> new NotFoundException("your user no longer exists"));
            if (!directory.mayUseTokens(self)) {
                throw new ForbiddenException(
                        "you may not use tokens (no use-tokens permission), so you cannot create one");
            }
            return self;
        }
        if (!actor.has(Permission.CREATE_TOKENS_FOR_OTHERS)) {
            audit.failure(actor.username(), "token.create", owner, sourceIp, "lacks create-tokens-for-others");
            throw new ForbiddenException(
                    "creating tokens for other users needs the create-tokens-for-others permission");
        }
        // An LDAP user who never logged in is added now, so tokens can be prepared for them.
        UserRecord record = directory
                .findOrProvision(owner)
                .orElseThrow(() -> new InvalidRequestException(
                        "owner: no user named '" + owner + "'", Map.of("owner", "no such user")));
        if (!record.enabled()) {
            throw new InvalidRequestException(
                    "owner: user '" + owner + "' is disabled", Map.of("owner", "user is disabled"));
        }
        if (!directory.mayUseTokens(record)) {
            throw new InvalidRequestException(
                    "owner: user '" + owner + "' may not use tokens (no use-tokens permission)",
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
            errors.put(
                    "name",
                    "no control or bidirectional formatting characters (found " + UnsafeText.firstUnsafe(name) + ")");
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
}
