package org.patgate.server.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.patgate.server.store.Database;
import org.patgate.server.store.UpstreamLinkRecord;
import org.patgate.server.upstream.NativeCredential.Unusable;
import org.patgate.server.upstream.NativeCredential.Usable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decrypted credentials of the users' links, as the gateway asks for them on every request: read
 * from the store and decrypted once, then served from a bounded in-memory cache for its TTL (none
 * with a TTL of zero), with the expiry checked against the clock on every call. {@link UpstreamLinks}
 * drops a user's entry on every change it makes. Thread-safe.
 */
final class LinkCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(LinkCredentials.class);
    private static final int CACHE_SIZE = 10_000;

    private final Database database;
    private final CredentialCipher cipher;
    private final Clock clock;
    /** Null when the cache TTL is zero: every call reads the store. */
    private final Cache<Long, Loaded> cache;
    /** Held once: a method reference written at the call would be a new object per request. */
    private final Function<Long, Loaded> loader = this::load;

    LinkCredentials(Database database, CredentialCipher cipher, Clock clock, Duration cacheTtl) {
        this.database = database;
        this.cipher = cipher;
        this.clock = clock;
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must not be negative");
        }
        this.cache = cacheTtl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(CACHE_SIZE)
                        .expireAfterWrite(cacheTtl)
                        .build();
    }

    /** The credential of the user's working link, else why there is none (see {@link UpstreamLinks#credentialFor}). */
    NativeCredential credentialFor(long userId) {
        return loaded(userId).at(clock);
    }

    /** Whether the user's link holds a token PATgate made with their password. */
    boolean minted(long userId) {
        return loaded(userId).minted();
    }

    /** Whether {@link #credentialFor} would answer from memory, without reading the store. */
    boolean answersFromMemory(long userId) {
        return cache != null && cache.getIfPresent(userId) != null;
    }

    /** False when the cached credential shows there is nothing to renew: no link, or one working for a while. */
    boolean mayNeedRenewal(long userId) {
        Loaded loaded = loaded(userId);
        if (!loaded.minted()) {
            return false; // only a token PATgate made with the password is made anew with it
        }
        return switch (loaded.credential()) {
            case Usable usable ->
                loaded.expiresAt() != null
                        && clock.instant().plus(UpstreamLinks.EXPIRING_WITHIN).isAfter(loaded.expiresAt());
            case Unusable unusable ->
                !Unusable.MISSING.equals(unusable.status()) && !Unusable.REVOKED.equals(unusable.status());
        };
    }

    /** Forgets the user's entry: the next call reads the store. */
    void drop(long userId) {
        if (cache != null) {
            cache.invalidate(userId);
        }
    }

    /** Forgets every entry. */
    void dropAll() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private Loaded loaded(long userId) {
        return cache == null ? load(userId) : cache.get(userId, loader);
    }

    private Loaded load(long userId) {
        Optional<UpstreamLinkRecord> found = database.upstreamLinks().find(userId);
        if (found.isEmpty()) {
            return new Loaded(new Unusable(Unusable.MISSING, "no upstream account is linked"), null, false);
        }
        UpstreamLinkRecord link = found.get();
        boolean minted = UpstreamLinkRecord.KIND_MINTED.equals(link.kind());
        switch (link.status()) {
            case UpstreamLinkRecord.STATUS_BROKEN -> {
                return new Loaded(
                        new Unusable(Unusable.BROKEN, reasonOr(link, "the upstream product refused it")), null, minted);
            }
            case UpstreamLinkRecord.STATUS_REVOKED -> {
                return new Loaded(new Unusable(Unusable.REVOKED, reasonOr(link, "the link was revoked")), null, minted);
            }
            default -> {
                try {
                    String token = cipher.decrypt(sealedOf(link), link.userId(), link.kind());
                    return new Loaded(new Usable(token), link.expiresAt(), minted);
                } catch (CredentialDecryptionException e) {
                    LOG.warn("{}", e.getMessage());
                    return new Loaded(
                            new Unusable(Unusable.BROKEN, "the stored upstream token cannot be decrypted; link again"),
                            null,
                            minted);
                }
            }
        }
    }

    private static String reasonOr(UpstreamLinkRecord link, String fallback) {
        return link.reason() == null ? fallback : link.reason();
    }

    /**
     * A cached answer; a usable credential turns expired at {@code expiresAt}. Checked per request
     * against the clock's milliseconds (no {@link Instant} per request, and no clock read for a token
     * without a known expiry); the milliseconds are truncated, so a token is never used after its
     * expiry, at most a millisecond before it.
     */
    private record Loaded(NativeCredential credential, Instant expiresAt, long expiresAtMillis, boolean minted) {
        Loaded(NativeCredential credential, Instant expiresAt, boolean minted) {
            this(credential, expiresAt, expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli(), minted);
        }

        NativeCredential at(Clock clock) {
            if (expiresAtMillis != Long.MAX_VALUE
                    && credential instanceof Usable
                    && clock.millis() >= expiresAtMillis) {
                return new Unusable(Unusable.EXPIRED, "the linked upstream token expired at " + expiresAt);
            }
            return credential;
        }
    }

    private static CredentialCipher.Sealed sealedOf(UpstreamLinkRecord link) {
        return new CredentialCipher.Sealed(link.keyId(), link.nonce(), link.ciphertext());
    }
}
