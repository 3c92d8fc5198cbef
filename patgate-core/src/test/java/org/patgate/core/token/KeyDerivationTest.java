package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the test vectors of RFC 5869, and the digester's keys per purpose. */
class KeyDerivationTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void matchesRfc5869TestCase1() {
        byte[] okm = KeyDerivation.hkdfSha256(
                HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
                42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void matchesRfc5869TestCase3WithoutSaltOrInfo() {
        byte[] okm = KeyDerivation.hkdfSha256(
                HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), null, new byte[0], 42);
        assertThat(HEX.formatHex(okm))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void theDigesterGivesOneKeyPerPurposeAndPepperAndNeverThePepper() {
        byte[] pepper = new byte[32];
        Arrays.fill(pepper, (byte) 7);
        TokenDigester digester = new TokenDigester(pepper);
        byte[] webhooks = digester.deriveKey("patgate webhook secret encryption v1", 32);

        assertThat(new TokenDigester(pepper).deriveKey("patgate webhook secret encryption v1", 32))
                .isEqualTo(webhooks);
        assertThat(digester.deriveKey("another purpose v1", 32)).isNotEqualTo(webhooks);
        assertThat(webhooks).isNotEqualTo(pepper);
        assertThat(webhooks)
                .isEqualTo(KeyDerivation.hkdfSha256(
                        pepper, null, "patgate webhook secret encryption v1".getBytes(StandardCharsets.UTF_8), 32));
        byte[] otherPepper = pepper.clone();
        otherPepper[0] = 8;
        assertThat(new TokenDigester(otherPepper).deriveKey("patgate webhook secret encryption v1", 32))
                .isNotEqualTo(webhooks);
    }
}
