package org.patgate.server.ratelimit;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.policy.Policies;
import org.patgate.server.policy.Policy;
import org.patgate.server.policy.RateLimit;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.GrantRepository;
import org.patgate.server.store.RateLimitRecord;
import org.patgate.server.store.RateLimitRepository;
import org.patgate.server.store.RateLimitRepository.Subject;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.UserRecord;
import org.patgate.server.store.UserRepository;

/**
 * Which rate limit applies to a token, and the changes of user and token limits. The most specific
 * limit wins: the token's own, else its owner's (one bucket for all their tokens), else the most
 * restrictive of the owner's groups' policies, window by window, each naming its group (one bucket per
 * token). An owner may limit their own token only within what would apply otherwise; an admin may set
 * any limit. Every change is audited and tells {@code ownerChanged}, so cached token checks resolve the
 * limit again. Thread-safe.
 */
public final class RateLimits {

    private final RateLimitRepository repository;
    private final UserRepository users;
    private final Policies policies;
    private final LongFunction<Set<String>> groupsOf;
    private final AuditLog audit;
    private final LongConsumer ownerChanged;
    private final Database database;

    /**
     * @param groupsOf     a user's groups by user id
     * @param ownerChanged told the owner's id after a user or token limit changed (the change is logged for
     *                     the other nodes in the transaction that makes it)
     */
    public RateLimits(
            Database database,
            Policies policies,
            LongFunction<Set<String>> groupsOf,
            AuditLog audit,
            LongConsumer ownerChanged) {
        this.database = database;
        this.repository = database.rateLimits();
        this.users = database.users();
        this.policies = policies;
        this.groupsOf = groupsOf;
        this.audit = audit;
        this.ownerChanged = ownerChanged;
    }

    /** The limit that applies to this token now, or null for none. Reads the store. */
    public AppliedLimit resolve(TokenRecord token) {
        RateLimit own = ofToken(token.id());
        if (!own.isNone()) {
            return AppliedLimit.of("token:" + token.id(), own, "the token");
        }
        return otherwise(token.ownerId(), token.ownerUsername(), "token:" + token.id());
    }

    /** The limit a token of this owner gets without one of its own (the user's, else the groups'), or null. */
    public AppliedLimit otherwise(long ownerId, String ownerUsername, String tokenBucket) {
        RateLimit user = ofUser(ownerId);
        if (!user.isNone()) {
            return AppliedLimit.of("user:" + ownerId, user, "user '" + ownerUsername + "'");
        }
        return ofGroups(groupsOf.apply(ownerId), tokenBucket);
    }

    /** The token's own limit ({@link RateLimit#NONE} when it has none). */
    public RateLimit ofToken(String tokenId) {
        return repository.find(Subject.TOKEN, tokenId).map(RateLimits::limit).orElse(RateLimit.NONE);
    }

    /** Stores the limit and logs the owner's change for the other nodes, in one transaction. */
    private void put(Subject subject, String id, RateLimit limit, long ownerId) {
        database.inTransaction("set a rate limit", () -> {
            repository.put(subject, id, limit.isNone() ? null : record(limit));
            database.changes().record(Change.Kind.OWNER, Long.toString(ownerId));
        });
    }

    /** The user's limit ({@link RateLimit#NONE} when they have none). */
    public RateLimit ofUser(long userId) {
        return repository
                .find(Subject.USER, Long.toString(userId))
                .map(RateLimits::limit)
                .orElse(RateLimit.NONE);
    }

    /** Sets (or, with {@link RateLimit#NONE}, removes) a user's limit; admins only. */
    public void setUser(Principal actor, String sourceIp, UserRecord user, RateLimit limit) {
        actor.requireAdmin("set a user's rate limit");
        put(Subject.USER, Long.toString(user.id()), limit, user.id());
        audit.success(actor.username(), "user.rate-limit", user.username(), sourceIp, limit.toString());
        ownerChanged.accept(user.id());
    }

    /**
     * Sets (or removes) a token's own limit: an admin any, the owner one within {@link #otherwise}. The
     * token's creation or edit checks with {@link #requireAllowed} first.
     */
    public void setToken(Principal actor, String sourceIp, TokenRecord token, RateLimit limit) {
        requireAllowed(actor, token.ownerId(), token.ownerUsername(), limit);
        put(Subject.TOKEN, token.id(), limit, token.ownerId());
        audit.success(actor.username(), "token.rate-limit", token.id(), sourceIp, limit.toString());
        ownerChanged.accept(token.ownerId());
    }

    /**
     * As {@link #requireAllowed(Principal, long, String, RateLimit)} for a token about to be created for
     * {@code ownerUsername} (null: the actor). An unknown owner passes: creating the token refuses it.
     */
    public void requireAllowed(Principal actor, String ownerUsername, RateLimit limit) {
        if (ownerUsername == null || ownerUsername.equalsIgnoreCase(actor.username())) {
            requireAllowed(actor, actor.userId(), actor.username(), limit);
            return;
        }
        users.findByUsername(ownerUsername)
                .ifPresent(owner -> requireAllowed(actor, owner.id(), owner.username(), limit));
    }

    /**
     * Throws unless {@code actor} may give a token of this owner {@code limit}: admins may give any;
     * anyone else (the owner) nothing above what would apply otherwise — a clear 400 naming it. No limit
     * of its own ({@link RateLimit#NONE}) is always allowed: then the otherwise applying limit applies.
     */
    public void requireAllowed(Principal actor, long ownerId, String ownerUsername, RateLimit limit) {
        if (actor.admin() || limit.isNone()) {
            return;
        }
        AppliedLimit ceiling = otherwise(ownerId, ownerUsername, "");
        if (ceiling == null) {
            return;
        }
        String over = limit.exceeding(ceilingLimit(ceiling));
        if (over != null) {
            throw new InvalidRequestException(
                    "rateLimit: a token may not have a higher limit than the one that applies to it otherwise ("
                            + ceiling.described() + "): " + over,
                    Map.of("rateLimit", "higher than " + ceiling.described()));
        }
    }

    private static RateLimit ceilingLimit(AppliedLimit ceiling) {
        Integer second = null;
        Integer burst = null;
        Integer minute = null;
        Integer day = null;
        for (AppliedLimit.Window window : ceiling.windows()) {
            switch (window.seconds()) {
                case 1 -> {
                    second = window.requests();
                    burst = window.capacity();
                }
                case 60 -> minute = window.requests();
                default -> day = window.requests();
            }
        }
        return new RateLimit(second, minute, day, burst);
    }

    /** The most restrictive of the groups' limits, window by window, each naming its group; or null. */
    private AppliedLimit ofGroups(Set<String> groups, String bucket) {
        Map<String, Policy> table = policies.all();
        Chosen second = new Chosen();
        Chosen minute = new Chosen();
        Chosen day = new Chosen();
        Integer burst = null;
        for (Map.Entry<String, Policy> entry : table.entrySet()) {
            String key = entry.getKey();
            boolean everyone = key.equals(GrantRepository.EVERYONE);
            String group = everyone ? null : groupNamed(groups, key);
            if (!everyone && group == null) {
                continue;
            }
            String source = everyone ? "the policy for everyone" : "group '" + group + "'";
            RateLimit limit = entry.getValue().rateLimit();
            if (second.offer(limit.perSecond(), source)) {
                burst = limit.burstOrRate();
            }
            minute.offer(limit.perMinute(), source);
            day.offer(limit.perDay(), source);
        }
        RateLimit combined = new RateLimit(second.value, minute.value, day.value, burst);
        if (combined.isNone()) {
            return null;
        }
        return new AppliedLimit(bucket, AppliedLimit.windows(combined, second.source, minute.source, day.source));
    }

    private static String groupNamed(Set<String> groups, String key) {
        for (String group : groups) {
            if (group.toLowerCase(Locale.ROOT).equals(key)) {
                return group;
            }
        }
        return null;
    }

    /** The lowest value seen so far and who set it. */
    private static final class Chosen {
        Integer value;
        String source;

        boolean offer(Integer candidate, String from) {
            if (candidate != null && (value == null || candidate < value)) {
                value = candidate;
                source = from;
                return true;
            }
            return false;
        }
    }

    private static RateLimit limit(RateLimitRecord stored) {
        return new RateLimit(stored.perSecond(), stored.perMinute(), stored.perDay(), stored.burst());
    }

    private static RateLimitRecord record(RateLimit limit) {
        return new RateLimitRecord(limit.perSecond(), limit.perMinute(), limit.perDay(), limit.burst());
    }
}
