package org.patgate.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.patgate.core.token.TokenDigest;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.core.token.TokenParse;
import org.patgate.server.token.TokenVerifier;

/**
 * Cost of checking a presented token. {@link #bareHmacFloor} is the floor every other number is
 * divided by: one HMAC-SHA256 over the token bytes with a Mac that is already initialised and
 * owned by the thread. The steps above it: format + checksum, + the digest that is the cache key,
 * the verifier's cache alone, and the real {@link TokenVerifier} on a cache hit, a negative-cache
 * hit and malformed input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenCheckBenchmark {

    private TokenFormat format;
    private TokenDigester digester;
    private Mac mac;
    private String token;
    private byte[] tokenBytes;
    private VerifierFixture fixture;
    private Cache<TokenDigest, Object> cache;
    private TokenDigest digest;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[] pepper = new byte[32];
        random.nextBytes(pepper);
        format = TokenFormat.withDefaultPrefix();
        digester = new TokenDigester(pepper);
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
        token = format.generate(random);
        tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        fixture = new VerifierFixture(org.patgate.core.token.Scope.READ_WRITE);
        // Built like TokenVerifier's cache (size bound, per-entry expiry), to show what a hit costs alone.
        cache = Caffeine.newBuilder()
                .maximumSize(VerifierFixture.CACHE_SIZE)
                .expireAfter(Expiry.<TokenDigest, Object>creating((key, value) -> VerifierFixture.CACHE_TTL))
                .build();
        digest = digester.digest(token);
        cache.put(digest, "entry");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public byte[] bareHmacFloor() {
        return mac.doFinal(tokenBytes);
    }

    @Benchmark
    public TokenParse parseAndChecksum() {
        return format.parse(token);
    }

    @Benchmark
    public TokenDigest parseChecksumAndDigest() {
        if (format.parse(token) instanceof TokenParse.Valid valid) {
            return digester.digest(valid.token());
        }
        throw new IllegalStateException("benchmark token must be valid");
    }

    /** A hit in a cache configured like the verifier's, key already computed: the cache's share. */
    @Benchmark
    public Object cacheHitLikeVerifier() {
        return cache.get(digest, key -> "loaded");
    }

    /**
     * The verifier's steps composed by hand (parse, digest, hit in a cache built like the
     * verifier's with a fresh key object): the gap to {@link #verifyCachedToken} is the verifier's own cost.
     */
    @Benchmark
    public Object parseDigestAndCacheHit() {
        if (format.parse(token) instanceof TokenParse.Valid valid) {
            return cache.get(digester.digest(valid.token()), key -> "loaded");
        }
        throw new IllegalStateException("benchmark token must be valid");
    }

    /** Parse + checksum + HMAC + cache hit: what every request with a good token pays. */
    @Benchmark
    public TokenVerifier.Verification verifyCachedToken() {
        return fixture.verifier.verify(fixture.knownToken);
    }

    /** A well-formed token nobody issued: parse + checksum + HMAC + negative-cache hit, no database. */
    @Benchmark
    public TokenVerifier.Verification verifyUnknownTokenNegativeCache() {
        return fixture.verifier.verify(fixture.unknownToken);
    }

    /** Right prefix and length, bad checksum: refused by the CRC before any HMAC. */
    @Benchmark
    public TokenVerifier.Verification rejectMalformed() {
        return fixture.verifier.verify(fixture.malformedToken);
    }
}
