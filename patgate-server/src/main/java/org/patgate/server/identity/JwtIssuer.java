package org.patgate.server.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.patgate.core.PatgateException;
import org.patgate.server.http.Json;
import org.patgate.server.token.TokenVerifier.VerifiedToken;

/**
 * Issues the short-lived ES256 JWT that tells the upstream who is calling (identity mode
 * {@code jwt}): {@code sub} = username, {@code groups}, {@code tid} = token id, {@code scope},
 * {@code iss}, {@code aud}, {@code iat}, {@code exp}, {@code jti}. A JWT is reused for the same
 * token during the first half of its lifetime, but never longer than {@code maxReuse} (the token
 * cache's TTL, so its groups are never staler than the verifier's view of the owner), so signing is
 * not on every request. A change of the owner's groups on this node ({@link #invalidateOwner})
 * drops the owner's JWTs at once: the next request carries the new groups. Thread-safe.
 */
public final class JwtIssuer {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final LongFunction<Set<String>> groupsOf;
    private final Clock clock;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final Cache<String, Issued> recent;
    private final SecureRandom random = new SecureRandom();

    // Bumped by every invalidateOwner: a JWT signed under an older generation (possibly with groups
    // read just before the change) is never handed out again. Changes are rare; re-signing is cheap.
    private final AtomicLong generation = new AtomicLong();

    /** A signed JWT and the generation it was signed under. */
    private record Issued(long generation, String jwt) {}

    /**
     * @param maxReuse the longest a signed JWT is handed out again (at most half its lifetime is used
     *                 when that is shorter); zero signs on every request
     */
    public JwtIssuer(
            SigningKeys keys,
            LongFunction<Set<String>> groupsOf,
            Clock clock,
            String issuer,
            String audience,
            Duration lifetime,
            Duration maxReuse) {
        this.keys = keys;
        this.groupsOf = groupsOf;
        this.clock = clock;
        this.issuer = issuer;
        this.audience = audience;
        this.lifetime = lifetime;
        Duration reuse = lifetime.dividedBy(2).compareTo(maxReuse) < 0 ? lifetime.dividedBy(2) : maxReuse;
        this.recent = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(reuse)
                .build();
    }

    /** A signed JWT for a request made with this token. */
    public String issue(VerifiedToken token) {
        long current = generation.get();
        Issued issued = recent.get(token.id(), id -> new Issued(current, sign(token)));
        if (issued.generation() != current) {
            issued = new Issued(current, sign(token));
            recent.put(token.id(), issued);
        }
        return issued.jwt();
    }

    /**
     * The groups or state of this owner changed: no JWT signed before now is handed out again (for
     * simplicity not only the owner's), so the next request carries the groups read afresh.
     */
    public void invalidateOwner(long ownerId) {
        generation.incrementAndGet();
    }

    private String sign(VerifiedToken token) {
        SigningKeys.Active key = keys.current();
        long now = clock.instant().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("kid", key.kid());
        byte[] jti = new byte[12];
        random.nextBytes(jti);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", token.ownerUsername());
        claims.put("aud", audience);
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + lifetime.toSeconds());
        claims.put("jti", B64URL.encodeToString(jti));
        claims.put("tid", token.id());
        claims.put("scope", token.scope().wireName());
        claims.put("groups", List.copyOf(new TreeSet<>(groupsOf.apply(token.ownerId()))));
        String signingInput =
                B64URL.encodeToString(Json.write(header)) + "." + B64URL.encodeToString(Json.write(claims));
        try {
            // RFC 7518 §3.4: ES256 signatures are R || S, 32 bytes each (the P1363 format).
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new PatgateException("cannot sign an identity JWT: " + e.getMessage(), e);
        }
    }
}
