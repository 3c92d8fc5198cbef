package org.patgate.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.server.directory.LocalDirectory;
import org.patgate.server.directory.PasswordHasher;
import org.patgate.server.permission.Permissions;
import org.patgate.server.store.Database;
import org.patgate.server.token.TokenVerifier;
import org.patgate.server.token.TokenVerifier.Verification;

/**
 * Times single {@link TokenVerifier#verify} calls in this JVM against a seeded store, with the
 * verifier wired as the server wires it (production cache TTLs and size, owner check through the
 * local directory and group permissions). Three kinds of check, measured in interleaved rounds:
 * <ul>
 *   <li>hot: the same stored token again and again (a cache hit after the first call);</li>
 *   <li>cold: each sample a different stored token not seen since the verifier was created (a
 *       cache miss, then the store lookups of a miss);</li>
 *   <li>unknown: each sample a fresh well-formed token (valid checksum) that is not stored (a miss,
 *       a lookup that finds nothing, then the negative cache).</li>
 * </ul>
 * Every answer is checked (Valid, Valid, Refused UNKNOWN) and so is the verifier's store-lookup
 * count, so a broken fixture fails the run instead of producing numbers. Not thread-safe.
 */
final class LatencyProbe {

    /** Nanoseconds per call, one entry per sample, in measurement order. */
    record Latencies(long[] hot, long[] cold, long[] unknown) {}

    private static final int ROUNDS = 4;

    private LatencyProbe() {}

    /**
     * @param samples stored plaintext tokens never verified before; a fifth (at most 2000) warm up the
     *                JIT and the connection pool, the rest are the cold samples
     */
    static Latencies measure(
            Database database, TokenFormat format, TokenDigester digester, List<String> samples, int hotSamples) {
        Permissions permissions = new Permissions(database.grants(), VerifierFixture.CACHE_TTL);
        LocalDirectory directory = new LocalDirectory(database, new PasswordHasher(), permissions);
        TokenVerifier verifier = new TokenVerifier(
                format,
                digester,
                database.tokens(),
                database.users(),
                directory::mayUseTokens,
                Clock.systemUTC(),
                VerifierFixture.CACHE_TTL,
                VerifierFixture.NEGATIVE_CACHE_TTL,
                VerifierFixture.CACHE_SIZE);
        int warmup = Math.min(2000, samples.size() / 5);
        List<String> warm = samples.subList(0, warmup);
        List<String> cold = samples.subList(warmup, samples.size());
        SecureRandom random = new SecureRandom();
        String[] unknown = new String[cold.size()];
        for (int i = 0; i < unknown.length; i++) {
            unknown[i] = format.generate(random);
        }
        String hot = warm.getFirst();

        for (String token : warm) { // JIT, pool, and the store's own caches for the code paths
            expectValid(verifier.verify(token), "a warm-up token");
            verifier.verify(format.generate(random));
            for (int i = 0; i < 10; i++) {
                verifier.verify(hot);
            }
        }

        long[] hotNanos = new long[hotSamples];
        long[] coldNanos = new long[cold.size()];
        long[] unknownNanos = new long[unknown.length];
        int hotDone = 0;
        int coldDone = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            int coldUntil = cold.size() * round / ROUNDS;
            long lookupsBefore = verifier.storeLookups();
            int coldFrom = coldDone;
            for (; coldDone < coldUntil; coldDone++) {
                String token = cold.get(coldDone);
                long start = System.nanoTime();
                Verification answer = verifier.verify(token);
                coldNanos[coldDone] = System.nanoTime() - start;
                expectValid(answer, "a stored token");
            }
            for (int i = coldFrom; i < coldUntil; i++) {
                String token = unknown[i];
                long start = System.nanoTime();
                Verification answer = verifier.verify(token);
                unknownNanos[i] = System.nanoTime() - start;
                if (!(answer instanceof Verification.Refused refused)
                        || refused.reason() != TokenVerifier.Reason.UNKNOWN) {
                    throw new IllegalStateException("an unstored token was answered " + answer);
                }
            }
            expect(
                    verifier.storeLookups() - lookupsBefore == 2L * (coldUntil - coldFrom),
                    "one store lookup per cold and per unknown sample");
            lookupsBefore = verifier.storeLookups();
            int hotUntil = hotSamples * round / ROUNDS;
            for (; hotDone < hotUntil; hotDone++) {
                long start = System.nanoTime();
                Verification answer = verifier.verify(hot);
                hotNanos[hotDone] = System.nanoTime() - start;
                expectValid(answer, "the hot token");
            }
            expect(verifier.storeLookups() == lookupsBefore, "no store lookup for the hot token");
        }
        return new Latencies(hotNanos, coldNanos, unknownNanos);
    }

    /** The value at percentile {@code p} (0..100, nearest rank) of {@code nanos}, in microseconds. */
    static double percentileMicros(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
    }

    private static void expectValid(Verification answer, String what) {
        expect(answer instanceof Verification.Valid, what + " verifies (got " + answer + ")");
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("scale benchmark is broken: expected " + what);
        }
    }
}
