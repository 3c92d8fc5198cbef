package org.patgate.server.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The users and native tokens of a fake Atlassian product, and who a request's {@code Authorization}
 * header authenticates: a user with the right password (Basic), the owner of a token that is neither
 * expired on the test's clock nor revoked (Bearer), anonymous, or refused. After a number of failed
 * password logins in a row the user must pass a CAPTCHA (Jira's and Confluence's "maximum authentication
 * attempts"), and the password is refused unchecked until {@link #solveCaptcha}. Thread-safe.
 */
public final class FakeAccounts {

    /** A native token as the product keeps it. {@code expiresAt} is null for a token that never expires. */
    public record NativeToken(
            String id, String owner, String name, String secret, Instant createdAt, Instant expiresAt) {}

    /** Who a request is. {@code username} null for anonymous; {@code refused} and {@code captcha} for refusals. */
    public record Caller(String username, boolean refused, boolean captcha, boolean withToken) {
        static final Caller ANONYMOUS = new Caller(null, false, false, false);
        static final Caller REFUSED = new Caller(null, true, false, false);
        static final Caller CAPTCHA = new Caller(null, true, true, false);

        public boolean known() {
            return username != null;
        }
    }

    private record User(String password, String displayName) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Supplier<String> ids;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, NativeToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, Integer> failedLogins = new ConcurrentHashMap<>();
    private volatile int maxTokensPerUser;
    private volatile int maxLifetimeDays;
    private volatile int captchaAfterFailedLogins;

    FakeAccounts(Clock clock, Supplier<String> ids, int maxTokensPerUser, int maxLifetimeDays, int captchaAfter) {
        this.clock = clock;
        this.ids = ids;
        this.maxTokensPerUser = maxTokensPerUser;
        this.maxLifetimeDays = maxLifetimeDays;
        this.captchaAfterFailedLogins = captchaAfter;
    }

    public void addUser(String username, String password, String displayName) {
        users.put(username, new User(password, displayName));
    }

    public List<String> usernames() {
        return List.copyOf(users.keySet());
    }

    public String displayName(String username) {
        User user = username == null ? null : users.get(username);
        return user == null ? null : user.displayName();
    }

    /** Creates a native token as the user would in the product's UI; {@code lifetime} null never expires. */
    public NativeToken seedToken(String username, String name, Duration lifetime) {
        return seedToken(username, name, lifetime, null);
    }

    /** As {@link #seedToken(String, String, Duration)} with a given secret (a documented example), or null. */
    public NativeToken seedToken(String username, String name, Duration lifetime, String givenSecret) {
        if (!users.containsKey(username)) {
            throw new IllegalArgumentException("no user " + username);
        }
        Instant now = clock.instant();
        String id = ids.get();
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        // Both products' raw tokens are base64 of "<id>:<random>", 44 characters or so.
        String secret = givenSecret != null
                ? givenSecret
                : Base64.getEncoder()
                        .encodeToString((id + ":" + Base64.getEncoder().encodeToString(random))
                                .getBytes(StandardCharsets.UTF_8));
        NativeToken token =
                new NativeToken(id, username, name, secret, now, lifetime == null ? null : now.plus(lifetime));
        tokens.put(id, token);
        return token;
    }

    /** Revokes a token as the user would in the product's UI. */
    public boolean revoke(String tokenId) {
        return tokens.remove(tokenId) != null;
    }

    public List<NativeToken> tokensOf(String username) {
        return tokens.values().stream().filter(t -> t.owner().equals(username)).toList();
    }

    public Optional<NativeToken> token(String tokenId) {
        return Optional.ofNullable(tokens.get(tokenId));
    }

    public void maxTokensPerUser(int max) {
        this.maxTokensPerUser = max;
    }

    public int maxTokensPerUser() {
        return maxTokensPerUser;
    }

    public void maxLifetimeDays(int days) {
        this.maxLifetimeDays = days;
    }

    public int maxLifetimeDays() {
        return maxLifetimeDays;
    }

    /** After this many failed password logins in a row, a CAPTCHA is required; 0 never. */
    public void captchaAfterFailedLogins(int failures) {
        this.captchaAfterFailedLogins = failures;
    }

    /** The user logs in once in a browser, answering the CAPTCHA. */
    public void solveCaptcha(String username) {
        failedLogins.remove(username);
    }

    /** Who {@code authorization} authenticates; an unknown Bearer token is anonymous or refused as told. */
    Caller authenticate(String authorization, boolean unknownBearerIsAnonymous) {
        return authenticate(authorization, unknownBearerIsAnonymous, false);
    }

    /** As {@link #authenticate(String, boolean)}; with {@code tokenAsPassword}, a token is also a Basic password. */
    Caller authenticate(String authorization, boolean unknownBearerIsAnonymous, boolean tokenAsPassword) {
        if (authorization == null) {
            return Caller.ANONYMOUS;
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return password(authorization.substring(6).strip(), tokenAsPassword);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = authorization.substring(7).strip();
            Instant now = clock.instant();
            for (NativeToken token : tokens.values()) {
                if (token.secret().equals(secret) && (token.expiresAt() == null || now.isBefore(token.expiresAt()))) {
                    return new Caller(token.owner(), false, false, true);
                }
            }
            return unknownBearerIsAnonymous ? Caller.ANONYMOUS : Caller.REFUSED;
        }
        return Caller.REFUSED;
    }

    private Caller password(String encoded, boolean tokenAsPassword) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Caller.REFUSED;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Caller.REFUSED;
        }
        String username = decoded.substring(0, colon);
        User user = users.get(username);
        if (user == null) {
            return Caller.REFUSED;
        }
        int limit = captchaAfterFailedLogins;
        if (limit > 0 && failedLogins.getOrDefault(username, 0) >= limit) {
            return Caller.CAPTCHA;
        }
        String password = decoded.substring(colon + 1);
        Instant now = clock.instant();
        for (NativeToken token : tokens.values()) {
            // Bitbucket takes a user's HTTP access token as the password of Basic authentication too.
            if (token.owner().equals(username)
                    && tokenAsPassword
                    && token.secret().equals(password)
                    && (token.expiresAt() == null || now.isBefore(token.expiresAt()))) {
                return new Caller(username, false, false, true);
            }
        }
        if (!user.password().equals(password)) {
            failedLogins.merge(username, 1, Integer::sum);
            return Caller.REFUSED;
        }
        failedLogins.remove(username);
        return new Caller(username, false, false, false);
    }
}
