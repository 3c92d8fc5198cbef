package org.patgate.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.patgate.core.token.Scope;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.store.Database;
import org.patgate.server.store.NewToken;
import org.patgate.server.store.NewUser;
import org.patgate.server.store.TokenStatus;
import org.patgate.server.store.UserRecord;
import org.patgate.server.token.TokenVerifier;

/**
 * A real {@link TokenVerifier} over an in-memory H2 {@link Database} holding one user with one
 * active token of the given scope, set up the way the server sets it up (production cache TTLs
 * and size). Each fixture gets its own database name, so several benchmark states in one JVM do
 * not share rows. Not thread-safe to build; the verifier itself is thread-safe.
 */
final class VerifierFixture implements AutoCloseable {

    /** The server's defaults ({@code tokens.cacheTtl}, {@code tokens.negativeCacheTtl}). */
    static final Duration CACHE_TTL = Duration.ofSeconds(30);

    static final Duration NEGATIVE_CACHE_TTL = Duration.ofSeconds(5);
    static final long CACHE_SIZE = 100_000;

    private static final AtomicInteger DATABASES = new AtomicInteger();

    final TokenFormat format;
    final TokenVerifier verifier;
    /** A stored, active token: {@link TokenVerifier#verify} answers Valid from the cache once warmed. */
    final String knownToken;
    /** Well-formed (valid checksum) but never issued: answered from the negative cache once warmed. */
    final String unknownToken;
    /** Right prefix and length, wrong checksum: refused before any HMAC. */
    final String malformedToken;

    /** The fixture's database, for benchmarks that put more real services over the same rows. */
    final Database database;
    /** The id of the token's owner, user {@code bench}. */
    final long ownerId;

    VerifierFixture(Scope scope) {
        SecureRandom random = new SecureRandom();
        byte[] pepper = new byte[32];
        random.nextBytes(pepper);
        format = TokenFormat.withDefaultPrefix();
        TokenDigester digester = new TokenDigester(pepper);
        database = Database.open("jdbc:h2:mem:bench" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "", "", 2);
        UserRecord owner =
                database.users().create(new NewUser("bench", "Bench User", null, null, NewUser.SOURCE_LOCAL, true));
        ownerId = owner.id();
        knownToken = format.generate(random);
        database.tokens()
                .insert(new NewToken(
                        "bench1",
                        digester.digest(knownToken).hex(),
                        TokenFormat.hintOf(knownToken),
                        "bench",
                        owner.id(),
                        owner.id(),
                        scope,
                        List.of(),
                        null,
                        Instant.now().truncatedTo(ChronoUnit.MICROS),
                        TokenStatus.ACTIVE));
        unknownToken = format.generate(random);
        malformedToken = withBrokenChecksum(knownToken);
        verifier = new TokenVerifier(
                format,
                digester,
                database.tokens(),
                database.users(),
                org.patgate.server.store.UserRecord::enabled,
                Clock.systemUTC(),
                CACHE_TTL,
                NEGATIVE_CACHE_TTL,
                CACHE_SIZE);
        // Warm both caches once so the measured calls are hits, and prove the fixture is what it claims.
        require(verifier.verify(knownToken) instanceof TokenVerifier.Verification.Valid, "known token is valid");
        require(
                verifier.verify(unknownToken) instanceof TokenVerifier.Verification.Refused r
                        && r.reason() == TokenVerifier.Reason.UNKNOWN,
                "unknown token is refused as unknown");
        require(
                verifier.verify(malformedToken) instanceof TokenVerifier.Verification.Refused r
                        && r.reason() == TokenVerifier.Reason.MALFORMED,
                "broken checksum is refused as malformed");
    }

    private static String withBrokenChecksum(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark fixture is broken: expected " + what);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
