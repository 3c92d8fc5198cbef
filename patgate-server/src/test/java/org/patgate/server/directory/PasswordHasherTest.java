package org.patgate.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {

    /** From the Argon2 reference implementation's tests: "password", salt "somesalt", m=64 MiB, t=2, p=1. */
    private static final String REFERENCE_VECTOR =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void rightPasswordVerifiesAndWrongOneDoesNot() {
        String encoded = hasher.hash("correct horse battery staple".toCharArray());
        assertThat(hasher.verify("correct horse battery staple".toCharArray(), encoded))
                .isTrue();
        assertThat(hasher.verify("correct horse battery stapl".toCharArray(), encoded))
                .isFalse();
        assertThat(hasher.verify("Correct horse battery staple".toCharArray(), encoded))
                .isFalse();
        assertThat(hasher.verify(new char[0], encoded)).isFalse();
        assertThat(hasher.verify(null, encoded)).isFalse();
    }

    @Test
    void hashIsAPhcStringWithOwaspParameters() {
        String encoded = hasher.hash("secret".toCharArray());
        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.needsRehash(encoded)).isFalse();
    }

    @Test
    void twoHashesOfTheSamePasswordDifferBecauseOfTheSalt() {
        String first = hasher.hash("same".toCharArray());
        String second = hasher.hash("same".toCharArray());
        assertThat(first).isNotEqualTo(second);
        assertThat(first.split("\\$")[4]).isNotEqualTo(second.split("\\$")[4]);
        assertThat(hasher.verify("same".toCharArray(), first)).isTrue();
        assertThat(hasher.verify("same".toCharArray(), second)).isTrue();
    }

    @Test
    void referenceImplementationVectorVerifiesAndAsksForRehash() {
        assertThat(hasher.verify("password".toCharArray(), REFERENCE_VECTOR)).isTrue();
        assertThat(hasher.verify("passwore".toCharArray(), REFERENCE_VECTOR)).isFalse();
        assertThat(hasher.needsRehash(REFERENCE_VECTOR)).isTrue();
    }

    @Test
    void hashAgreesWithAnIndependentBouncyCastleComputation() {
        String encoded = hasher.hash("pässwörd ✓".toCharArray());
        String[] parts = encoded.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[4]);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(19456)
                .withIterations(2)
                .withParallelism(1)
                .withSalt(salt)
                .build());
        byte[] expected = new byte[32];
        generator.generateBytes("pässwörd ✓".getBytes(StandardCharsets.UTF_8), expected);
        assertThat(Base64.getDecoder().decode(parts[5])).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65537,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHR$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPd",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPP",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHg$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPKO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc=",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ",
                "$argon2id$v=19$m=065536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$t=2,m=65536,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2000000000,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=-2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNh$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXP",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRP!c",
                " $argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
            })
    void tamperedOrMalformedHashesAreFalseAndNeedRehash(String encoded) {
        assertThat(hasher.verify("password".toCharArray(), encoded)).isFalse();
        assertThat(hasher.needsRehash(encoded)).isTrue();
    }

    @Test
    void nullHashIsFalseAndNeedsRehash() {
        assertThat(hasher.verify("password".toCharArray(), null)).isFalse();
        assertThat(hasher.needsRehash(null)).isTrue();
    }

    @Test
    void flippingAnyCharacterOfOwnHashMakesVerificationFail() {
        String encoded = hasher.hash("pw".toCharArray());
        int saltStart = encoded.lastIndexOf('$', encoded.lastIndexOf('$') - 1) + 1;
        for (int i : new int[] {saltStart, saltStart + 10, encoded.length() - 20, encoded.length() - 2}) {
            char replacement = encoded.charAt(i) == 'A' ? 'B' : 'A';
            String tampered = encoded.substring(0, i) + replacement + encoded.substring(i + 1);
            assertThat(hasher.verify("pw".toCharArray(), tampered))
                    .as("changed at %d", i)
                    .isFalse();
        }
    }

    @Test
    void toStringShowsParametersOnly() {
        assertThat(hasher.toString()).contains("argon2id").contains("19456");
    }
}
