package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.patgate.core.PatgateException;

class TokenDigesterTest {

    private final TokenFormat format = TokenFormat.withDefaultPrefix();
    private final byte[] pepper = randomBytes(32);

    @Test
    void digestIsHmacSha256OfTheTokenAsComputedIndependently() throws Exception {
        TokenDigester digester = new TokenDigester(pepper);
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 100; i++) {
            String token = format.generate(random);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
            byte[] expected = mac.doFinal(token.getBytes(StandardCharsets.US_ASCII));
            TokenDigest digest = digester.digest(token);
            assertThat(digest.bytes()).isEqualTo(expected);
            assertThat(digest.hex())
                    .isEqualTo(HexFormat.of().formatHex(expected))
                    .hasSize(64)
                    .isLowerCase();
        }
    }

    @Test
    void matchesRfc4231TestCase6() {
        // RFC 4231 §4.7: key = 131 bytes of 0xaa, a key longer than the block size.
        byte[] key = new byte[131];
        Arrays.fill(key, (byte) 0xaa);
        TokenDigest digest = new TokenDigester(key).digest("Test Using Larger Than Block-Size Key - Hash Key First");
        assertThat(digest.hex()).isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void differentPeppersGiveDifferentDigests() {
        String token = format.generate(new SecureRandom());
        TokenDigest one = new TokenDigester(pepper).digest(token);
        TokenDigest other = new TokenDigester(randomBytes(32)).digest(token);
        assertThat(one).isNotEqualTo(other);
        assertThat(new TokenDigester(pepper.clone()).digest(token))
                .isEqualTo(one)
                .hasSameHashCodeAs(one);
    }

    @Test
    void pepperIsCopiedSoLaterChangesDoNotMatter() {
        byte[] mutable = pepper.clone();
        TokenDigester digester = new TokenDigester(mutable);
        String token = format.generate(new SecureRandom());
        TokenDigest before = digester.digest(token);
        Arrays.fill(mutable, (byte) 0);
        assertThat(digester.digest(token)).isEqualTo(before);
    }

    @Test
    void manyThreadsGetTheSameResults() throws Exception {
        TokenDigester digester = new TokenDigester(pepper);
        List<String> tokens = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            tokens.add(format.generate(random));
        }
        List<TokenDigest> expected =
                tokens.stream().map(new TokenDigester(pepper)::digest).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 32; thread++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < tokens.size(); i++) {
                            if (!digester.digest(tokens.get(i)).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void shortOrMissingPepperIsRefusedWithoutShowingIt() {
        byte[] shortPepper = "0123456789abcdef0123456789abcde".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new TokenDigester(shortPepper))
                .isInstanceOf(InvalidPepperException.class)
                .isInstanceOf(PatgateException.class)
                .hasMessageContaining("31 bytes")
                .hasMessageContaining("32")
                .hasMessageNotContaining("0123456789");
        assertThatThrownBy(() -> new TokenDigester(null)).isInstanceOf(InvalidPepperException.class);
        assertThatThrownBy(() -> new TokenDigester(new byte[0])).isInstanceOf(InvalidPepperException.class);
    }

    @Test
    void toStringsNeverShowThePepperOrTheFullDigest() {
        byte[] textPepper = "pepper-pepper-pepper-pepper-pepper".getBytes(StandardCharsets.US_ASCII);
        TokenDigester digester = new TokenDigester(textPepper);
        TokenDigest digest = digester.digest(format.generate(new SecureRandom()));
        assertThat(digester.toString())
                .doesNotContain("pepper-")
                .doesNotContain(HexFormat.of().formatHex(textPepper));
        assertThat(digest.toString())
                .isEqualTo("TokenDigest[" + digest.hex().substring(0, 4) + "…]")
                .doesNotContain(digest.hex().substring(0, 8));
    }

    @Test
    void nonAsciiInputIsRefusedWithoutEchoingIt() {
        TokenDigester digester = new TokenDigester(pepper);
        assertThatThrownBy(() -> digester.digest("pat_s\u00e9cret"))
                .isInstanceOf(PatgateException.class)
                .hasMessageNotContaining("cret");
        // The failed call must not poison the pooled Mac.
        String token = format.generate(new SecureRandom());
        assertThat(digester.digest(token)).isEqualTo(new TokenDigester(pepper).digest(token));
    }

    @Test
    void hexRoundTripsAndMalformedHexIsRefused() {
        TokenDigest digest = new TokenDigester(pepper).digest(format.generate(new SecureRandom()));
        assertThat(TokenDigest.fromHex(digest.hex())).isEqualTo(digest);
        assertThat(TokenDigest.fromHex(digest.hex().toUpperCase())).isEqualTo(digest);
        assertThatThrownBy(() -> TokenDigest.fromHex(digest.hex().substring(2))).isInstanceOf(PatgateException.class);
        assertThatThrownBy(() -> TokenDigest.fromHex("g" + digest.hex().substring(1)))
                .isInstanceOf(PatgateException.class);
        assertThatThrownBy(() -> TokenDigest.fromHex(null)).isInstanceOf(PatgateException.class);
    }

    @Test
    void digestIsDefensivelyCopiedAndExactly32Bytes() {
        byte[] bytes = randomBytes(32);
        TokenDigest digest = new TokenDigest(bytes);
        bytes[0] ^= 1;
        assertThat(digest.bytes()[0]).isNotEqualTo(bytes[0]);
        digest.bytes()[1] ^= 1;
        assertThat(digest).isEqualTo(new TokenDigest(digest.bytes()));
        assertThatThrownBy(() -> new TokenDigest(new byte[31])).isInstanceOf(PatgateException.class);
        assertThatThrownBy(() -> new TokenDigest(null)).isInstanceOf(PatgateException.class);
    }

    @Test
    void digestsDifferingInOneByteAreNotEqual() {
        byte[] bytes = randomBytes(32);
        for (int i = 0; i < 32; i++) {
            byte[] other = bytes.clone();
            other[i] ^= (byte) 0x80;
            assertThat(new TokenDigest(other)).isNotEqualTo(new TokenDigest(bytes));
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
