package org.patgate.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.directory.Directories;
import org.patgate.server.directory.ldap.DirectoryUnavailableException;
import org.patgate.server.principal.Principal;

/**
 * Server-side sessions of the web UI. A session id is 256 random bits, sent only in an HttpOnly
 * cookie; the store keys sessions by the SHA-256 of the id, so a lookup's timing says nothing
 * about stored ids. A session ends after {@code idleTimeout} without use or {@code absoluteTimeout}
 * after sign-in, whichever comes first, and on sign-out; the store holds at most
 * {@code maxSessions} (the least recently used go first). Each session carries its own CSRF token.
 * The principal is re-read from the directory on every use, so a disabled user or a revoked
 * permission takes effect at once. A session also remembers a fingerprint of the user's stored
 * password from its sign-in: once the password is changed or reset (by any path: API, UI, CLI,
 * another node), every session signed in with the old one ends at its next use; the session that
 * changed its own password is carried over with {@link #keepAfterPasswordChange}. Thread-safe.
 */
public final class UiSessions {

    /** The CSRF header that htmx and scripts send; forms send the field {@link #CSRF_FIELD}. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    public static final String CSRF_FIELD = "_csrf";
    /** The cookie path: the browser never sends the session to the proxied upstream application. */
    public static final String COOKIE_PATH = "/.patgate/";

    private final Directories directory;
    private final Clock clock;
    private final SecureRandom random;
    private final IpRangeSet trustedProxies;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final Cache<String, UiSession> sessions;

    public UiSessions(
            Directories directory,
            Clock clock,
            SecureRandom random,
            IpRangeSet trustedProxies,
            Duration idleTimeout,
            Duration absoluteTimeout,
            int maxSessions) {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || absoluteTimeout.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("need 0 < idleTimeout <= absoluteTimeout");
        }
        this.directory = directory;
        this.clock = clock;
        this.random = random;
        this.trustedProxies = trustedProxies;
        this.idleTimeout = idleTimeout;
        this.absoluteTimeout = absoluteTimeout;
        // The cache's own expiry only frees memory; the timeouts that count are checked against the clock.
        this.sessions = Caffeine.newBuilder()
                .maximumSize(maxSessions)
                .expireAfterAccess(absoluteTimeout)
                .build();
    }

    /** A signed-in session: who, since when, and its CSRF token. Last use is updated on each request. */
    public static final class UiSession {
        private final long userId;
        private final String username;
        private final String csrfToken;
        private final Instant createdAt;
        private volatile Instant lastUsedAt;
        private volatile String passwordStamp;

        UiSession(long userId, String username, String csrfToken, Instant createdAt, String passwordStamp) {
            this.userId = userId;
            this.username = username;
            this.csrfToken = csrfToken;
            this.createdAt = createdAt;
            this.lastUsedAt = createdAt;
            this.passwordStamp = passwordStamp;
        }

        public String csrfToken() {
            return csrfToken;
        }

        public String username() {
            return username;
        }

        @Override
        public String toString() {
            return "UiSession[user=" + username + ", createdAt=" + createdAt + "]";
        }
    }

    /** A session and the principal it stands for, as of this request. */
    public record Authenticated(String id, UiSession session, Principal principal) {}

    /**
     * Starts a new session for a user who just proved their password, ending {@code previousId}
     * if given: the id always changes at sign-in, so a planted id is worthless.
     */
    public String signIn(Principal principal, String previousId) {
        if (previousId != null) {
            signOut(previousId);
        }
        String id = randomToken();
        sessions.put(
                key(id),
                new UiSession(
                        principal.userId(),
                        principal.username(),
                        randomToken(),
                        clock.instant(),
                        directory.passwordStamp(principal.userId())));
        return id;
    }

    /**
     * After {@code principal} changed their own password in the request's session: that session
     * stays signed in (all others of the user end at their next use). Nothing happens when the
     * request's session belongs to someone else or there is none.
     */
    public void keepAfterPasswordChange(Request request, Principal principal) {
        String id = sessionId(request);
        UiSession session = id == null ? null : sessions.getIfPresent(key(id));
        if (session != null && session.userId == principal.userId()) {
            session.passwordStamp = directory.passwordStamp(principal.userId());
        }
    }

    public void signOut(String id) {
        sessions.invalidate(key(id));
    }

    /** The live session named by the request's cookie, with a fresh principal; empty when none. */
    public Optional<Authenticated> find(Request request) {
        String id = sessionId(request);
        if (id == null) {
            return Optional.empty();
        }
        String key = key(id);
        UiSession session = sessions.getIfPresent(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(session.lastUsedAt.plus(idleTimeout)) || now.isAfter(session.createdAt.plus(absoluteTimeout))) {
            sessions.invalidate(key);
            return Optional.empty();
        }
        Optional<Principal> principal;
        try {
            principal = directory.lookup(session.username).filter(p -> p.userId() == session.userId);
        } catch (DirectoryUnavailableException e) {
            // Fail closed for now, but keep the session: it works again once the directory answers.
            return Optional.empty();
        }
        // The password changed since sign-in (or was reset): this session was made with the old one.
        if (principal.isEmpty()
                || !MessageDigest.isEqual(
                        session.passwordStamp.getBytes(StandardCharsets.US_ASCII),
                        directory.passwordStamp(session.userId).getBytes(StandardCharsets.US_ASCII))) {
            sessions.invalidate(key);
            return Optional.empty();
        }
        session.lastUsedAt = now;
        return Optional.of(new Authenticated(id, session, principal.get()));
    }

    /**
     * For the management API: the principal of a live session when the request also carries that
     * session's CSRF token in {@link #CSRF_HEADER}; empty otherwise (a cookie alone proves nothing,
     * since a browser attaches it to cross-site requests too).
     */
    public Optional<Principal> authenticateApiCall(Request request) {
        List<String> tokens = request.getHeaders().getValuesList(CSRF_HEADER);
        if (tokens.size() != 1) {
            return Optional.empty();
        }
        return find(request)
                .filter(a -> csrfMatches(a.session(), tokens.getFirst()))
                .map(Authenticated::principal);
    }

    /** Constant-time comparison of a presented CSRF token with the session's. */
    public static boolean csrfMatches(UiSession session, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        session.csrfToken.getBytes(StandardCharsets.US_ASCII),
                        presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the browser reached us over TLS: directly, or through a trusted proxy that says so
     * in {@code X-Forwarded-Proto}. Decides the cookie's {@code Secure} flag and name prefix.
     */
    public boolean isSecure(Request request) {
        if (request.isSecure()) {
            return true;
        }
        String proto = request.getHeaders().get("X-Forwarded-Proto");
        if (proto == null || !proto.strip().equalsIgnoreCase("https")) {
            return false;
        }
        // An empty IpRangeSet allows every address; here it must mean "trust no proxy".
        return !trustedProxies.isEmpty()
                && request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer
                && peer.getAddress() instanceof InetAddress address
                && trustedProxies.allows(address);
    }

    /**
     * The session cookie's name: {@code __Secure-} prefixed behind TLS (browsers then refuse it
     * from plain HTTP). Not {@code __Host-}: that prefix forces {@code Path=/}, which would send
     * the session to the upstream application with every proxied request.
     */
    public String cookieName(Request request) {
        return isSecure(request) ? "__Secure-patgate-session" : "patgate-session";
    }

    /** The {@code Set-Cookie} value that stores {@code id}, or clears the cookie when id is null. */
    public String cookie(Request request, String id) {
        String value = cookieName(request) + "=" + (id == null ? "" : id) + "; Path=" + COOKIE_PATH
                + "; HttpOnly; SameSite=Lax" + (isSecure(request) ? "; Secure" : "");
        return id == null ? value + "; Max-Age=0" : value;
    }

    /** The session id from the request's cookie, if it has exactly one well-formed one. */
    public String sessionId(Request request) {
        String name = cookieName(request);
        String found = null;
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                if (found != null) {
                    return null;
                }
                found = cookie.getValue();
            }
        }
        return found != null && found.length() == 43 && found.chars().allMatch(UiSessions::isBase64Url) ? found : null;
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public Clock clock() {
        return clock;
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static String key(String id) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
