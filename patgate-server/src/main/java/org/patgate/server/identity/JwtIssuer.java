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
import java.util.function.LongFunction;
import org.patgate.core.PatgateException;
import org.patgate.server.api.internal.Json;
import org.patgate.server.token.TokenVerifier.VerifiedToken;

/**
 * Issues the short-lived ES256 JWT that tells the upstream who is calling (identity mode
 * {@code jwt}): {@code sub} = username, {@code groups}, {@code tid} = token id, {@code scope},
 * {@code iss}, {@code aud}, {@code iat}, {@code exp}, {@code jti}. A JWT is reused for the same
 * token during the first half of its lifetime, so signing is not on every request. Thread-safe.
 */
public final class JwtIssuer {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final LongFunction<Set<String>> groupsOf;
    private final Clock clock;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final Cache<String, String> recent;
    private final SecureRandom random = new SecureRandom();

    public JwtIssuer(SigningKeys keys, LongFunction<Set<String>> groupsOf, Clock clock, String issuer, String audience,
            Duration lifetime) {
        this.keys = keys;
        this.groupsOf = groupsOf;
        this.clock = clock;
        this.issuer = issuer;
        this.audience = audience;
        this.lifetime = lifetime;
        this.recent = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(lifetime.dividedBy(2)).build();
    }

    /** A signed JWT for a request made with this token. */
    public String issue(VerifiedToken token) {
        return recent.get(token.id(), id -> sign(token));
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
        claims.put("groups", List.copyOf(new java.util.TreeSet<>(groupsOf.apply(token.ownerId()))));
        String signingInput = B64URL.encodeToString(Json.write(header)) + "." + B64URL.encodeToString(Json.write(claims));
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
