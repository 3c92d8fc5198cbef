package org.patgate.server.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.patgate.core.net.IpRangeSet;
import org.patgate.core.rules.TokenRules;
import org.patgate.core.token.Scope;
import org.patgate.core.token.TokenDigest;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.core.token.TokenParse;
import org.patgate.server.ratelimit.AppliedLimit;
import org.patgate.server.store.TokenRecord;
import org.patgate.server.store.TokenRepository;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;
import org.patgate.server.store.UserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "is this presented token good right now, and whose is it?" — the gateway's hot path.
 * Malformed input and bad checksums are refused without touching anything but the CPU. A
 * well-formed token costs one HMAC and one cache lookup; a miss goes to the store once and is cached,
 * unknown digests too (briefly), so floods of garbage never reach the database. Expiry is evaluated
 * against the clock on every call, not cached. Any failure while loading refuses the token (fail
 * closed). Thread-safe.
 */
public final class TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private final TokenFormat format;
    private final TokenDigester digester;
    private final TokenRepository tokens;
    private final UserRepository users;
    private final Clock clock;
    // Two caches with fixed expiry (cheaper than variable expiry on the hot path): known tokens
    // for the TTL, unknown digests briefly so floods of garbage never reach the store.
    private final Cache<TokenDigest, Entry.Known> known;
    private final Cache<TokenDigest, Entry.Unknown> unknown;
    // In front of both: the tokens seen over and over, answered without touching the caches.
    private final HotSlots<Entry> hot = new HotSlots<>(4096);
    private final long ttlNanos;
    private final long negativeTtlNanos;
    private final Predicate<UserRecord> mayUseTokens;
    // Resolved with the token, like the owner's permission: a changed limit applies within the TTL.
    private final Function<TokenRecord, AppliedLimit> limits;
    // LongAdder: incremented on every cache miss by many request threads at once; read rarely.
    private final LongAdder storeLookups = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    // Told after every invalidation, e.g. to decide open WebSockets again at once.
    private final List<Runnable> invalidationListeners = new CopyOnWriteArrayList<>();
    // Through a database outage (keepThroughOutages): whether the store is known to be away, and who
    // hears of a failed load. Without it, a known token is never older than the TTL.
    private volatile BooleanSupplier storeUnreachable = () -> false;
    private volatile Consumer<RuntimeException> storeFailed = e -> {};
    private volatile long keptNanos;

    /**
     * @param mayUseTokens whether a token's owner may use tokens now (enabled, holds use-tokens);
     *                     evaluated when a token is loaded, so changes apply within {@code ttl}
     */
    public TokenVerifier(
            TokenFormat format,
            TokenDigester digester,
            TokenRepository tokens,
            UserRepository users,
            Predicate<UserRecord> mayUseTokens,
            Clock clock,
            Duration ttl,
            Duration negativeTtl,
            long maximumSize) {
        this(format, digester, tokens, users, mayUseTokens, token -> null, clock, ttl, negativeTtl, maximumSize);
    }

    /**
     * As above, with rate limits.
     *
     * @param limits the rate limit of a token being loaded (null for none); evaluated when a token is
     *               loaded, so changes apply within {@code ttl} or at the next invalidation
     */
    public TokenVerifier(
            TokenFormat format,
            TokenDigester digester,
            TokenRepository tokens,
            UserRepository users,
            Predicate<UserRecord> mayUseTokens,
            Function<TokenRecord, AppliedLimit> limits,
            Clock clock,
            Duration ttl,
            Duration negativeTtl,
            long maximumSize) {
        this.mayUseTokens = mayUseTokens;
        this.limits = limits;
        this.format = format;
        this.digester = digester;
        this.tokens = tokens;
        this.users = users;
        this.clock = clock;
        this.ttlNanos = ttl.toNanos();
        this.negativeTtlNanos = negativeTtl.toNanos();
        this.keptNanos = ttlNanos;
        this.known = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(ttl)
                .build();
        this.unknown = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(negativeTtl)
                .build();
    }

    /** The outcome of one verification. */
    public sealed interface Verification {
        record Valid(VerifiedToken token) implements Verification {}

        record Refused(Reason reason) implements Verification {}
    }

    /** Why a token was refused; the detail is safe to show to the caller. */
    public enum Reason {
        MALFORMED("the token is malformed"),
        UNKNOWN("the token is not valid"),
        EXPIRED("the token has expired"),
        REVOKED("the token has been revoked"),
        PENDING("the token is waiting for an administrator's approval"),
        DENIED("the token request was denied"),
        OWNER_DISABLED("the token's owner is disabled, no longer exists, or may no longer use tokens"),
        UNAVAILABLE("tokens cannot be checked right now");

        private final String detail;

        Reason(String detail) {
            this.detail = detail;
        }

        public String detail() {
            return detail;
        }
    }

    /**
     * What the gateway needs to know about a good token.
     *
     * @param rateLimit the rate limit that applies to it, or null for none
     */
    public record VerifiedToken(
            String id,
            long ownerId,
            String ownerUsername,
            Scope scope,
            IpRangeSet allowedIps,
            Instant expiresAt,
            TokenRules rules,
            AppliedLimit rateLimit) {

        /** A token without a rate limit. */
        public VerifiedToken(
                String id,
                long ownerId,
                String ownerUsername,
                Scope scope,
                IpRangeSet allowedIps,
                Instant expiresAt,
                TokenRules rules) {
            this(id, ownerId, ownerUsername, scope, allowedIps, expiresAt, rules, null);
        }
    }

    /** What the caches hold; {@code loadedNanos} is when the store was asked ({@link System#nanoTime}). */
    private sealed interface Entry {
        long loadedNanos();

        record Known(VerifiedToken token, TokenStatus status, boolean ownerEnabled, long loadedNanos)
                implements Entry {}

        record Unknown(long loadedNanos) implements Entry {}
    }

    /** Verifies a presented token string (as sent, without "Bearer "); may read the store. */
    public Verification verify(CharSequence presented) {
        return verify(presented, true);
    }

    /**
     * As {@link #verify}, but only from memory: null when the answer needs the store (a digest not
     * cached). For callers that must not block (an event loop), which then {@link #verify} on a worker
     * thread instead. The token is digested once either way.
     */
    public Verification verifyFromMemory(CharSequence presented) {
        return verify(presented, false);
    }

    private Verification verify(CharSequence presented, boolean mayLoad) {
        if (!(format.parse(presented) instanceof TokenParse.Valid valid)) {
            return new Verification.Refused(Reason.MALFORMED);
        }
        TokenDigest digest = digester.digest(valid.token());
        Entry entry = hot.get(digest, System.nanoTime());
        if (entry != null) {
            cacheHits.increment();
        } else {
            long generation = hot.generation();
            try {
                entry = known.getIfPresent(digest);
                if (entry instanceof Entry.Known stale && System.nanoTime() - stale.loadedNanos() > ttlNanos) {
                    // Older than the TTL: kept only for keepThroughOutages, and never past its grace (a
                    // failed reload may have renewed the cache's own write time).
                    if (System.nanoTime() - stale.loadedNanos() > keptNanos) {
                        known.asMap().remove(digest, stale);
                        entry = null;
                    } else if (!mayLoad && !storeUnreachable.getAsBoolean()) {
                        return null;
                    } else {
                        entry = reload(digest, stale);
                    }
                }
                if (entry == null) {
                    entry = unknown.getIfPresent(digest);
                }
                if (entry != null) {
                    cacheHits.increment();
                }
                if (entry == null && !mayLoad) {
                    return null; // counted by the pass that may load
                }
                if (entry == null && storeUnreachable.getAsBoolean()) {
                    // Fail closed at once: a token never seen cannot be checked, and the pool would make
                    // the request wait for a connection first.
                    return new Verification.Refused(Reason.UNAVAILABLE);
                }
                if (entry == null) {
                    cacheMisses.increment();
                    // One loader per digest at a time; a thread that waited finds the negative entry.
                    Entry.Known loaded = known.get(digest, this::loadKnown);
                    entry = loaded != null ? loaded : unknown.getIfPresent(digest);
                }
            } catch (RuntimeException e) {
                storeFailed.accept(e);
                LOG.warn("token lookup failed, refusing the request: {}", e.toString());
                return new Verification.Refused(Reason.UNAVAILABLE);
            }
            if (entry == null) {
                // Negative entry already gone again (tiny TTL): unknown all the same, not cached here.
                return new Verification.Refused(Reason.UNKNOWN);
            }
            hot.put(
                    digest,
                    entry,
                    entry.loadedNanos() + (entry instanceof Entry.Known ? ttlNanos : negativeTtlNanos),
                    generation);
        }
        if (!(entry instanceof Entry.Known known)) {
            return new Verification.Refused(Reason.UNKNOWN);
        }
        return switch (known.status()) {
            case REVOKED -> new Verification.Refused(Reason.REVOKED);
            case PENDING -> new Verification.Refused(Reason.PENDING);
            case DENIED -> new Verification.Refused(Reason.DENIED);
            case ACTIVE -> {
                Instant expiresAt = known.token().expiresAt();
                if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
                    yield new Verification.Refused(Reason.EXPIRED);
                }
                yield known.ownerEnabled()
                        ? new Verification.Valid(known.token())
                        : new Verification.Refused(Reason.OWNER_DISABLED);
            }
        };
    }

    /**
     * Keeps known tokens through a database outage: an entry older than the TTL is loaded again as
     * before, but while the store is unreachable (or the load fails) the entry as last loaded keeps
     * answering, up to {@code grace} past the TTL; then it goes and the token is refused as
     * {@link Reason#UNAVAILABLE}. Expiry is still checked on every call, and an invalidation still drops
     * the entry at once. Tokens not in memory are refused as UNAVAILABLE at once while the store is
     * unreachable. Call once, before traffic.
     *
     * @param storeUnreachable whether the store is known to be away (cheap, called per request)
     * @param storeFailed      told of every failed load, on the request thread; must return at once
     */
    public void keepThroughOutages(
            Duration grace, BooleanSupplier storeUnreachable, Consumer<RuntimeException> storeFailed) {
        this.storeUnreachable = storeUnreachable;
        this.storeFailed = storeFailed;
        Duration kept = Duration.ofNanos(ttlNanos).plus(grace);
        this.keptNanos = kept.toNanos();
        known.policy().expireAfterWrite().ifPresent(expiry -> expiry.setExpiresAfter(kept));
    }

    /**
     * Loads a token again whose entry is older than the TTL; one loader per digest, the others find its
     * result. The stale entry answers on while the store is unreachable or the load fails.
     */
    private Entry reload(TokenDigest digest, Entry.Known stale) {
        if (storeUnreachable.getAsBoolean()) {
            return stale;
        }
        Entry.Known current = known.asMap().computeIfPresent(digest, (key, present) -> {
            if (present != stale) {
                return present; // another thread reloaded (or an invalidation replaced) it meanwhile
            }
            cacheMisses.increment();
            try {
                return loadKnown(key);
            } catch (RuntimeException e) {
                storeFailed.accept(e);
                LOG.warn("token reload failed, answering from memory: {}", e.toString());
                return stale;
            }
        });
        return current;
    }

    /** Known tokens held in memory now (an estimate); for the cluster view and metrics. */
    public long cachedTokens() {
        return known.estimatedSize();
    }

    /** Forgets what is cached for this digest, so the next request sees the store's state. */
    public void invalidate(String digestHex) {
        TokenDigest digest = TokenDigest.fromHex(digestHex);
        known.invalidate(digest);
        unknown.invalidate(digest);
        hot.invalidateAll();
        invalidated();
    }

    /** Forgets every cached token of this owner (user disabled, groups changed). */
    public void invalidateOwner(long ownerId) {
        known.asMap().values().removeIf(k -> k.token().ownerId() == ownerId);
        hot.invalidateAll();
        invalidated();
    }

    /** Drops the whole cache. */
    public void invalidateAll() {
        known.invalidateAll();
        unknown.invalidateAll();
        hot.invalidateAll();
        invalidated();
    }

    /**
     * Runs {@code listener} after every invalidation ({@link #invalidate}, {@link #invalidateOwner},
     * {@link #invalidateAll}), on the invalidating thread, once the cache forgot: it must return at
     * once (hand work to a thread of its own) and must not throw.
     */
    public void onInvalidation(Runnable listener) {
        invalidationListeners.add(listener);
    }

    private void invalidated() {
        for (Runnable listener : invalidationListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("an invalidation listener failed: {}", e.toString());
            }
        }
    }

    /**
     * How many cache misses went to the store since this verifier was created: one per store
     * lookup attempt, whether it found a token, found none, or failed. Malformed tokens and cache
     * hits (positive or negative) never count. Concurrent verifications of the same uncached
     * token share one lookup. Monotonic; safe to read from any thread.
     */
    public long storeLookups() {
        return storeLookups.sum();
    }

    /**
     * How many verifications of well-formed tokens were answered from memory (a token known, or known
     * not to exist). Monotonic; safe to read from any thread.
     */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /**
     * How many verifications of well-formed tokens found nothing in memory and asked the store (a
     * verification that may not read the store is counted when it is repeated where it may).
     * Monotonic; safe to read from any thread.
     */
    public long cacheMisses() {
        return cacheMisses.sum();
    }

    /** Loads a known token, or records the digest as unknown and returns null (not cached as known). */
    private Entry.Known loadKnown(TokenDigest digest) {
        if (unknown.getIfPresent(digest) != null) {
            return null;
        }
        storeLookups.increment();
        long loadedNanos = System.nanoTime();
        Optional<TokenRecord> found = tokens.findByDigest(digest.hex());
        if (found.isEmpty()) {
            unknown.put(digest, new Entry.Unknown(loadedNanos));
            return null;
        }
        TokenRecord token = found.get();
        boolean ownerEnabled =
                users.findById(token.ownerId()).map(mayUseTokens::test).orElse(false);
        VerifiedToken verified = new VerifiedToken(
                token.id(),
                token.ownerId(),
                token.ownerUsername(),
                token.scope(),
                IpRangeSet.of(token.allowedIps()),
                token.expiresAt(),
                TokenRulesCodec.fromStored(token.rulesJson()),
                limits.apply(token));
        return new Entry.Known(verified, token.status(), ownerEnabled, loadedNanos);
    }
}
