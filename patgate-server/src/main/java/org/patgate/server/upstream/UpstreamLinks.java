package org.patgate.server.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.patgate.server.audit.AuditLog;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.principal.Principal;
import org.patgate.server.store.Change;
import org.patgate.server.store.Database;
import org.patgate.server.store.UpstreamLinkRecord;
import org.patgate.server.store.UserRecord;
import org.patgate.server.upstream.NativeAccounts.RevocationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users' links to their native accounts on the upstream product: linking a native token the
 * user pasted (verified with the product to be theirs) or one minted with their password, the
 * status of a link, unlinking (revoking the native token upstream where the product allows), and
 * for the gateway the decrypted credential of a working link ({@link #credentialFor}) from a
 * bounded in-memory cache, and {@link #markBroken} when the product refuses it.
 *
 * <p>Native tokens are stored only encrypted ({@link CredentialCipher}); no secret reaches the
 * audit trail, a log line, an exception message or a {@link UpstreamLinkView}. Audited as
 * {@code upstream-link.created}, {@code upstream-link.removed}, {@code upstream-link.broken} and
 * {@code upstream-link.revoked}. Thread-safe. The cache of a node is dropped for a user on every
 * change made on that node; other nodes see a change within the cache TTL.
 */
public final class UpstreamLinks {

    /** A link whose token expires within this time is shown as {@code expiring}. */
    public static final Duration EXPIRING_WITHIN = Duration.ofDays(7);
    /** The name of the native tokens PATgate mints. */
    public static final String MINTED_TOKEN_NAME = "PATgate";

    static final String CREATED = "upstream-link.created";
    static final String REMOVED = "upstream-link.removed";
    static final String BROKEN = "upstream-link.broken";
    static final String REVOKED = "upstream-link.revoked";
    static final String SYSTEM = "system";
    /** The link statuses a password sign-in renews (for minted links). */
    private static final Set<String> RENEWED_AT_SIGN_IN = Set.of("expiring", "expired", "broken");

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLinks.class);
    private static final int MAX_TOKEN_LENGTH = 1024;
    private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final Database database;
    private final CredentialCipher cipher;
    private final NativeAccounts accounts;
    private final AuditLog audit;
    private final Clock clock;
    private final NativeRevocations revocations;
    private final LinkCredentials credentials;

    public UpstreamLinks(
            Database database,
            CredentialCipher cipher,
            NativeAccounts accounts,
            AuditLog audit,
            Clock clock,
            Duration cacheTtl) {
        this.database = Objects.requireNonNull(database, "database");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.revocations = new NativeRevocations(cipher, accounts);
        this.credentials = new LinkCredentials(database, cipher, clock, cacheTtl);
    }

    /**
     * Links the caller with a native token they pasted: the product must name the caller (case
     * ignored) as its owner, else {@link InvalidRequestException}. Replaces an earlier link,
     * revoking that native token upstream when PATgate minted it. Audited.
     *
     * @throws NativeTokenRejectedException the product does not accept the token
     * @throws UpstreamUnavailableException the product could not be asked
     */
    public UpstreamLinkView linkPasted(Principal caller, String nativeToken) {
        String token = checkedToken(nativeToken);
        NativeAccount account;
        try {
            account = accounts.whoAmI(token);
        } catch (NativeTokenRejectedException | UpstreamUnavailableException e) {
            audit.failure(caller.username(), CREATED, caller.username(), null, "kind=pasted: " + e.getMessage());
            throw e;
        }
        String owner = account == null ? null : account.username();
        if (owner == null
                || !owner.toLowerCase(Locale.ROOT).equals(caller.username().toLowerCase(Locale.ROOT))) {
            String shown = owner == null ? "nobody" : Texts.safe(owner);
            audit.failure(
                    caller.username(), CREATED, caller.username(), null, "kind=pasted: the token belongs to " + shown);
            throw new InvalidRequestException(
                    "this token belongs to " + shown + " on the upstream product, not to you (" + caller.username()
                            + "); paste a token you created while signed in as yourself",
                    Map.of("token", "belongs to " + shown + ", not to you"));
        }
        return store(caller, caller.userId(), UpstreamLinkRecord.KIND_PASTED, token, null, Texts.safe(owner), null);
    }

    /**
     * Mints a native token named {@value #MINTED_TOKEN_NAME} with the caller's directory password,
     * valid for {@code lifetime}, and links it. The password array is wiped when this returns and
     * kept nowhere. Replaces an earlier link as {@link #linkPasted} does. Audited.
     *
     * @throws NativeTokenRejectedException the product refused the username and password
     * @throws UpstreamUnavailableException the product could not be asked
     */
    public UpstreamLinkView linkMinted(Principal caller, char[] password, Duration lifetime) {
        Objects.requireNonNull(password, "password");
        MintedNativeToken minted;
        try {
            if (lifetime == null
                    || lifetime.isNegative()
                    || lifetime.isZero()
                    || lifetime.compareTo(MAX_LIFETIME) > 0) {
                throw new InvalidRequestException(
                        "lifetime must be positive and at most " + MAX_LIFETIME.toDays() + " days",
                        Map.of("lifetime", "must be positive and at most " + MAX_LIFETIME.toDays() + " days"));
            }
            minted = accounts.mint(caller.username(), password, MINTED_TOKEN_NAME, lifetime);
        } catch (NativeTokenRejectedException | UpstreamUnavailableException e) {
            audit.failure(caller.username(), CREATED, caller.username(), null, "kind=minted: " + e.getMessage());
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
        if (minted == null || minted.secret() == null) {
            throw new UpstreamUnavailableException("the upstream product minted no token");
        }
        try {
            String token = checkedToken(minted.secret());
            return store(
                    caller,
                    caller.userId(),
                    UpstreamLinkRecord.KIND_MINTED,
                    token,
                    minted.id(),
                    caller.username(),
                    minted.expiresAt());
        } catch (RuntimeException e) {
            // Not linked: the token just minted must not stay valid upstream unseen.
            RevocationOutcome undone = revocations.revoke(caller.username(), minted.id(), minted.secret());
            LOG.warn(
                    "Linking a minted upstream token of {} failed ({}); revoked upstream: {}",
                    caller.username(),
                    e.getClass().getSimpleName(),
                    undone.revoked() ? "yes" : "no, " + undone.reason());
            throw e;
        }
    }

    /**
     * Binds a service credential to a (technical) user, for administrators: a native token of a
     * technical account on the product (a CI user, say), stored encrypted like any link. The product
     * must accept it; the account it names may differ from the PATgate username. Shared
     * credentials are never revoked upstream by PATgate. Replaces an earlier link. Audited.
     *
     * @throws NativeTokenRejectedException the product does not accept the token
     * @throws UpstreamUnavailableException the product could not be asked
     */
    public UpstreamLinkView linkService(Principal admin, long userId, String nativeToken) {
        admin.requireAdmin("bind service credentials to users");
        String token = checkedToken(nativeToken);
        String user = usernameOf(userId);
        NativeAccount account;
        try {
            account = accounts.whoAmI(token);
        } catch (NativeTokenRejectedException | UpstreamUnavailableException e) {
            audit.failure(admin.username(), CREATED, user, null, "kind=service: " + e.getMessage());
            throw e;
        }
        if (account == null || account.username() == null) {
            throw new InvalidRequestException(
                    "the upstream product names nobody as this token's owner", Map.of("token", "authenticates nobody"));
        }
        return store(admin, userId, UpstreamLinkRecord.KIND_SERVICE, token, null, Texts.safe(account.username()), null);
    }

    /**
     * The user signed in with their password: a link PATgate minted for them that is expiring,
     * expired or broken is replaced by a fresh one minted with that password (the user consented
     * when they first had one minted). Anything else is left alone, and a failure only logs: the
     * sign-in goes on. The password array is not changed.
     *
     * @return whether a new native token was minted and linked
     */
    public boolean renewOnSignIn(Principal user, char[] password, Duration lifetime) {
        if (!credentials.mayNeedRenewal(user.userId())) {
            return false; // from the cache: every sign-in asks, most need nothing
        }
        Optional<UpstreamLinkView> link = find(user.userId());
        if (link.isEmpty()
                || !UpstreamLinkRecord.KIND_MINTED.equals(link.get().kind())
                || !RENEWED_AT_SIGN_IN.contains(link.get().status())) {
            return false;
        }
        try {
            linkMinted(user, password.clone(), lifetime);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Renewing the upstream link of {} at sign-in failed: {}", user.username(), e.getMessage());
            return false;
        }
    }

    /**
     * The link of a user, or empty when they never linked. The status is computed: linked,
     * expiring (expires within {@link #EXPIRING_WITHIN}), expired, broken or revoked, with a reason.
     */
    public Optional<UpstreamLinkView> find(long userId) {
        Instant now = clock.instant();
        return database.upstreamLinks().find(userId).map(link -> UpstreamLinkView.of(link, now, null, null));
    }

    /**
     * Unlinks the user: themself, or an administrator for anyone. Revokes the native token upstream
     * where the product allows it (a service credential is shared and never revoked) and says in the
     * view whether it did and why not; the link is kept as revoked, without its token. Audited.
     *
     * @throws NotFoundException when the user has no link
     */
    public UpstreamLinkView unlink(Principal actor, long userId) {
        if (userId != actor.userId()) {
            actor.requireAdmin("unlink other users' upstream accounts");
        }
        UpstreamLinkRecord link =
                database.upstreamLinks().find(userId).orElseThrow(() -> new NotFoundException("no upstream link"));
        RevocationOutcome outcome =
                link.hasSecret() ? revocations.revoke(link) : RevocationOutcome.notDone("the link was already revoked");
        Instant now = clock.instant();
        String reason = userId == actor.userId() ? "unlinked by the user" : "unlinked by " + actor.username();
        database.inTransaction("unlink the upstream account of user " + userId, () -> {
            database.upstreamLinks().markRevoked(userId, reason, now);
            database.changes().record(Change.Kind.UPSTREAM_LINK, Long.toString(userId));
        });
        credentials.drop(userId);
        audit.success(
                actor.username(),
                REMOVED,
                usernameOf(userId),
                null,
                "kind=" + link.kind() + " " + NativeRevocations.detail(outcome));
        UpstreamLinkRecord after = database.upstreamLinks().find(userId).orElse(link);
        return UpstreamLinkView.of(after, now, outcome.revoked(), outcome.revoked() ? null : outcome.reason());
    }

    /**
     * The user is disabled or about to be deleted: revokes the native token upstream (best effort:
     * this never fails because the product does) and marks the link revoked with {@code reason}.
     * Audited with the system as actor. Does nothing without a link or when it is revoked already.
     */
    public void userRemoved(long userId, String reason) {
        Optional<UpstreamLinkRecord> link = database.upstreamLinks().find(userId);
        if (link.isEmpty() || !link.get().hasSecret()) {
            return;
        }
        RevocationOutcome outcome = revocations.revoke(link.get());
        String why = reason == null || reason.isBlank() ? "the user was removed" : reason;
        boolean changed = database.inTransaction("revoke the upstream link of user " + userId, () -> {
            database.changes().record(Change.Kind.UPSTREAM_LINK, Long.toString(userId));
            return database.upstreamLinks().markRevoked(userId, why, clock.instant());
        });
        credentials.drop(userId);
        if (changed) {
            audit.success(SYSTEM, REVOKED, usernameOf(userId), null, why + "; " + NativeRevocations.detail(outcome));
        }
    }

    /**
     * The decrypted credential of the user's working link (linked or expiring), else why there is
     * none. Served from memory after the first call (bounded, for the cache TTL); expiry is checked
     * against the clock on every call. A link that cannot be decrypted on this node is reported as
     * broken (and logged, without secrets), not changed in the store.
     */
    public NativeCredential credentialFor(long userId) {
        return credentials.credentialFor(userId);
    }

    /**
     * Whether the user's link holds a token PATgate made with their password, which their next
     * password sign-in makes anew when it no longer works. From the same cache as {@link #credentialFor}.
     */
    public boolean renewsAtSignIn(long userId) {
        return credentials.minted(userId);
    }

    /**
     * Forgets what this node cached of the user's link ({@code userId} null: of every user), so the
     * next request reads the store: another node changed it.
     */
    public void forget(Long userId) {
        if (userId == null) {
            credentials.dropAll();
        } else {
            credentials.drop(userId);
        }
    }

    /** Whether {@link #credentialFor} would answer from memory, without reading the store. */
    public boolean answersFromMemory(long userId) {
        return credentials.answersFromMemory(userId);
    }

    /**
     * The product answered 401 to the user's native credential: marks a linked link broken with
     * {@code reason} and drops it from this node's cache. Audited once, by whichever call changed
     * the link (concurrent and later calls change nothing).
     */
    public void markBroken(long userId, String reason) {
        String why = reason == null || reason.isBlank() ? "the upstream product refused the token" : reason;
        boolean changed = database.inTransaction("mark the upstream link of user " + userId + " broken", () -> {
            database.changes().record(Change.Kind.UPSTREAM_LINK, Long.toString(userId));
            return database.upstreamLinks().markBroken(userId, why, clock.instant());
        });
        credentials.drop(userId);
        if (changed) {
            audit.success(SYSTEM, BROKEN, usernameOf(userId), null, why);
        }
    }

    /** Encrypts and stores a new working link for the user, then revokes the replaced minted token. */
    private UpstreamLinkView store(
            Principal actor,
            long userId,
            String kind,
            String token,
            String nativeTokenId,
            String upstreamUsername,
            Instant expiresAt) {
        Instant now = clock.instant();
        CredentialCipher.Sealed sealed = cipher.encrypt(token, userId, kind);
        UpstreamLinkRecord link = new UpstreamLinkRecord(
                userId,
                kind,
                nativeTokenId,
                upstreamUsername,
                sealed.keyId(),
                sealed.nonce(),
                sealed.ciphertext(),
                expiresAt,
                UpstreamLinkRecord.STATUS_LINKED,
                null,
                now,
                now,
                now);
        Optional<UpstreamLinkRecord> previous =
                database.inTransaction("link upstream account of user " + userId, () -> {
                    Optional<UpstreamLinkRecord> old = database.upstreamLinks().findForUpdate(userId);
                    database.upstreamLinks().put(link);
                    database.changes().record(Change.Kind.UPSTREAM_LINK, Long.toString(userId));
                    return old;
                });
        credentials.drop(userId);
        StringBuilder detail = new StringBuilder("kind=" + kind + " upstreamUser=" + upstreamUsername);
        if (previous.isPresent()) {
            UpstreamLinkRecord old = previous.get();
            detail.append(" replaced=").append(old.kind());
            if (old.hasSecret() && UpstreamLinkRecord.KIND_MINTED.equals(old.kind())) {
                detail.append(' ').append(NativeRevocations.detail(revocations.revoke(old)));
            }
        }
        audit.success(actor.username(), CREATED, usernameOf(userId), null, detail.toString());
        return UpstreamLinkView.of(link, now, null, null);
    }

    private String usernameOf(long userId) {
        return database.users().findById(userId).map(UserRecord::username).orElse("user " + userId);
    }

    /**
     * The token as pasted, surrounding whitespace removed: 1 to {@value #MAX_TOKEN_LENGTH} visible
     * ASCII characters (it goes into an HTTP header). The message never repeats it.
     */
    private static String checkedToken(String nativeToken) {
        String token = nativeToken == null ? "" : nativeToken.strip();
        boolean ok = !token.isEmpty()
                && token.length() <= MAX_TOKEN_LENGTH
                && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        if (!ok) {
            String problem = "must be the native token: 1 to " + MAX_TOKEN_LENGTH + " visible ASCII characters";
            throw new InvalidRequestException("token: " + problem, Map.of("token", problem));
        }
        return token;
    }
}
