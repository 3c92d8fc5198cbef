package org.patgate.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.core.token.TokenParse;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.MutableClock;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier.Reason;
import org.patgate.server.token.TokenVerifier.Verification;

/**
 * The verifier's cache in front of the store, counted with {@link TokenVerifier#storeLookups()}:
 * garbage never reaches the database, an unknown well-formed token costs one lookup per negative
 * TTL, a good token one lookup per positive TTL, and a revocation exactly one more.
 *
 * <p>Both TTLs are set to ten minutes here, so "within the TTL" holds on the slowest machine;
 * expiry of the negative cache is proved separately with a verifier of its own.
 */
@EndToEndTest
class StoreLookupTest {

    private static final String TOKENS = "/.patgate/api/v1/tokens";
    private static final TokenFormat FORMAT = TokenFormat.withDefaultPrefix();

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of("PATGATE_TOKENS_CACHETTL", "10m", "PATGATE_TOKENS_NEGATIVECACHETTL", "10m"))
            .build();

    static TokenVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        verifier = gw.server.server().verifier();
    }

    @Test
    void tenThousandMalformedTokensNeverReachTheStore() {
        List<String> garbage = malformedTokens(10_000, new Random(42));
        long before = verifier.storeLookups();

        for (String token : garbage) {
            assertThat(verifier.verify(token)).as(token).isEqualTo(new Verification.Refused(Reason.MALFORMED));
        }

        assertThat(verifier.storeLookups() - before).isZero();
    }

    @Test
    void malformedTokensCoverEveryWayOfBeingMalformed() {
        Set<TokenParse.Reason> reasons = EnumSet.noneOf(TokenParse.Reason.class);
        for (String token : malformedTokens(10_000, new Random(42))) {
            if (FORMAT.parse(token) instanceof TokenParse.Invalid invalid) {
                reasons.add(invalid.reason());
            }
        }
        // the garbage above is only convincing if it exercises every rule of the format
        assertThat(reasons).containsExactlyInAnyOrder(TokenParse.Reason.values());
    }

    @Test
    void aThousandVerificationsOfOneUnknownTokenCostOneLookup() {
        String unknown = FORMAT.generate(new SecureRandom());
        long before = verifier.storeLookups();

        for (int i = 0; i < 1_000; i++) {
            assertThat(verifier.verify(unknown)).isEqualTo(new Verification.Refused(Reason.UNKNOWN));
        }

        assertThat(verifier.storeLookups() - before).isEqualTo(1);
    }

    @Test
    void concurrentVerificationsOfOneUnknownTokenShareOneLookup() throws Exception {
        String unknown = FORMAT.generate(new SecureRandom());
        long before = verifier.storeLookups();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Verification>>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> {
                    go.await();
                    List<Verification> seen = new ArrayList<>();
                    for (int i = 0; i < 125; i++) {
                        seen.add(verifier.verify(unknown));
                    }
                    return seen;
                }));
            }
            go.countDown();
            for (Future<List<Verification>> result : results) {
                assertThat(result.get()).containsOnly(new Verification.Refused(Reason.UNKNOWN));
            }
        }

        assertThat(verifier.storeLookups() - before).isEqualTo(1);
    }

    @Test
    void everyDistinctUnknownTokenCostsItsOwnLookup() {
        SecureRandom random = new SecureRandom();
        long before = verifier.storeLookups();

        for (int i = 0; i < 10; i++) {
            assertThat(verifier.verify(FORMAT.generate(random))).isEqualTo(new Verification.Refused(Reason.UNKNOWN));
        }

        // the counter counts store round trips, so the "exactly one" results above mean something
        assertThat(verifier.storeLookups() - before).isEqualTo(10);
    }

    @Test
    void aValidTokenCostsOneLookupAndItsRevocationExactlyOneMore() {
        JsonNode created = createAliceToken();
        String secret = created.get("token").asText();
        long before = verifier.storeLookups();

        for (int i = 0; i < 1_000; i++) {
            assertThat(verifier.verify(secret)).isInstanceOf(Verification.Valid.class);
        }
        assertThat(verifier.storeLookups() - before).isEqualTo(1);

        Answer revoked = gw.server.call(
                "DELETE", TOKENS + "/" + created.get("id").asText(), "alice", RunningGateway.ALICE_PASSWORD, null);
        assertThat(revoked.status()).isEqualTo(204);
        for (int i = 0; i < 1_000; i++) {
            assertThat(verifier.verify(secret)).isEqualTo(new Verification.Refused(Reason.REVOKED));
        }
        assertThat(verifier.storeLookups() - before).isEqualTo(2);
    }

    @Test
    void fromMemoryAnswersOnlyWhatIsCachedAndNeverReadsTheStore() {
        JsonNode created = createAliceToken();
        String secret = created.get("token").asText();
        String unknown = FORMAT.generate(new SecureRandom());
        long before = verifier.storeLookups();

        // Not seen yet: the store is needed, and is not asked.
        assertThat(verifier.verifyFromMemory(secret)).isNull();
        assertThat(verifier.verifyFromMemory(unknown)).isNull();
        assertThat(verifier.storeLookups() - before).isZero();
        // Malformed needs no store at all.
        assertThat(verifier.verifyFromMemory("pat_short")).isEqualTo(new Verification.Refused(Reason.MALFORMED));

        assertThat(verifier.verify(secret)).isInstanceOf(Verification.Valid.class);
        assertThat(verifier.verify(unknown)).isEqualTo(new Verification.Refused(Reason.UNKNOWN));
        assertThat(verifier.storeLookups() - before).isEqualTo(2);

        // Cached now: answered from memory exactly as verify answers, without another lookup.
        assertThat(verifier.verifyFromMemory(secret)).isEqualTo(verifier.verify(secret));
        assertThat(verifier.verifyFromMemory(unknown)).isEqualTo(new Verification.Refused(Reason.UNKNOWN));

        Answer revoked = gw.server.call(
                "DELETE", TOKENS + "/" + created.get("id").asText(), "alice", RunningGateway.ALICE_PASSWORD, null);
        assertThat(revoked.status()).isEqualTo(204);
        // A revocation empties the caches: from memory says the store is needed again, never "valid".
        assertThat(verifier.verifyFromMemory(secret)).isNull();
        assertThat(verifier.verify(secret)).isEqualTo(new Verification.Refused(Reason.REVOKED));
        assertThat(verifier.verifyFromMemory(secret)).isEqualTo(new Verification.Refused(Reason.REVOKED));
        assertThat(verifier.storeLookups() - before).isEqualTo(3);
    }

    @Test
    void garbageThroughTheGatewayIsRefusedWithoutLookupsAndNeverForwarded() {
        List<String> garbage = malformedTokens(500, new Random(7)).stream()
                .filter(StoreLookupTest::sendableInAHeader)
                .toList();
        assertThat(garbage).hasSizeGreaterThan(400);
        long before = verifier.storeLookups();

        for (String token : garbage) {
            Answer bearer = gw.bearer("GET", "/rest/api/2/myself", token);
            assertThat(bearer.status()).as(token).isIn(400, 401);
            assertThat(bearer.contentType()).isEqualTo("application/problem+json");
            Answer basic = gw.send(
                    "GET",
                    "/rest/api/2/myself",
                    Map.of("Authorization", TestServer.basic("alice", "pat_" + token)),
                    null);
            assertThat(basic.status()).as(token).isIn(400, 401);
        }

        assertThat(gw.upstream.received()).as("nothing may reach the upstream").isEmpty();
        assertThat(verifier.storeLookups() - before).isZero();
    }

    @Test
    void manyGatewayRequestsWithOneUnknownTokenCostOneLookup() {
        String unknown = FORMAT.generate(new SecureRandom());
        long before = verifier.storeLookups();

        for (int i = 0; i < 300; i++) {
            Answer answer = gw.bearer("GET", "/rest/api/2/myself", unknown);
            assertThat(answer.status()).isEqualTo(401);
        }

        assertThat(gw.upstream.received()).isEmpty();
        assertThat(verifier.storeLookups() - before).isEqualTo(1);
    }

    @Test
    void unknownTokensAreLookedUpAgainOnceTheNegativeTtlHasPassed() throws Exception {
        // A verifier of its own on the same store, with a short negative TTL. Only a lower bound on
        // time is used (sleep longer than the TTL), so a slow machine cannot make this fail.
        Duration negativeTtl = Duration.ofMillis(100);
        TokenVerifier shortLived = new TokenVerifier(
                FORMAT,
                new TokenDigester(new byte[32]),
                gw.server.server().database().tokens(),
                gw.server.server().database().users(),
                org.patgate.server.store.UserRecord::enabled,
                MutableClock.startingNow(),
                Duration.ofMinutes(10),
                negativeTtl,
                1_000);
        String unknown = FORMAT.generate(new SecureRandom());

        assertThat(shortLived.verify(unknown)).isEqualTo(new Verification.Refused(Reason.UNKNOWN));
        assertThat(shortLived.storeLookups()).isEqualTo(1);
        Thread.sleep(negativeTtl.multipliedBy(3).toMillis());
        assertThat(shortLived.verify(unknown)).isEqualTo(new Verification.Refused(Reason.UNKNOWN));

        assertThat(shortLived.storeLookups()).isEqualTo(2);
    }

    private static JsonNode createAliceToken() {
        Answer created = gw.server.call(
                "POST",
                TOKENS,
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of("name", "lookup-" + System.nanoTime(), "scope", "read-write"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    /**
     * Distinct malformed candidates: real-looking tokens with one broken rule each (checksum,
     * length, character, prefix), plus the empty string and random junk.
     */
    static List<String> malformedTokens(int count, Random random) {
        SecureRandom secure = new SecureRandom();
        Set<String> out = new HashSet<>();
        out.add("");
        String junkAlphabet = "abcXYZ019_-.~!$&'()*+,;=:@/ ";
        while (out.size() < count) {
            String real = FORMAT.generate(secure);
            String candidate = switch (out.size() % 6) {
                case 0 -> flipChecksum(real, random);
                case 1 -> real.substring(0, 4 + random.nextInt(real.length() - 4));
                case 2 -> real + (char) ('a' + random.nextInt(26));
                case 3 -> real.substring(0, 10) + "-" + real.substring(11);
                case 4 -> "pak_" + real.substring(4);
                default -> {
                    StringBuilder junk = new StringBuilder();
                    for (int i = 1 + random.nextInt(60); i > 0; i--) {
                        junk.append(junkAlphabet.charAt(random.nextInt(junkAlphabet.length())));
                    }
                    yield junk.toString();
                }
            };
            if (!FORMAT.isWellFormed(candidate)) {
                out.add(candidate);
            }
        }
        return List.copyOf(out);
    }

    private static String flipChecksum(String token, Random random) {
        int at = token.length() - 1 - random.nextInt(TokenFormat.CHECKSUM_LENGTH);
        char c = token.charAt(at);
        char other = c == 'z' ? 'A' : (char) (c == '9' ? 'a' : c == 'Z' ? '0' : c + 1);
        return token.substring(0, at) + other + token.substring(at + 1);
    }

    /** The JDK client refuses some header values (leading/trailing space, empty); those are not garbage tests. */
    private static boolean sendableInAHeader(String token) {
        return !token.isEmpty() && token.equals(token.strip());
    }
}
