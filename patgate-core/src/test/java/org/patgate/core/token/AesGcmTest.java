package org.patgate.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class AesGcmTest {

    private final SecureRandom random = new SecureRandom();
    private final byte[] key = bytes(32, 7);
    private final AesGcm box = new AesGcm(key, random);
    private final byte[] plain = "a value at rest".getBytes(StandardCharsets.UTF_8);
    private final byte[] data = "group-a".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSealedValueOpensWithTheSameKeyAndDataAndCarriesAFreshNonce() throws GeneralSecurityException {
        byte[] first = box.seal(plain, data);
        byte[] second = box.seal(plain, data);

        assertThat(box.open(first, data)).isEqualTo(plain);
        assertThat(new AesGcm(key, random).open(second, data)).isEqualTo(plain);
        assertThat(first).hasSize(AesGcm.NONCE_BYTES + plain.length + 16).isNotEqualTo(second);
        assertThat(box.open(box.seal(plain, null), null)).isEqualTo(plain);
    }

    @Test
    void anotherKeyOtherDataOrAChangedByteDoNotOpen() {
        byte[] sealed = box.seal(plain, data);
        byte[] changed = sealed.clone();
        changed[changed.length - 1] ^= 1;

        assertThatThrownBy(() -> new AesGcm(bytes(32, 8), random).open(sealed, data))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> box.open(sealed, "group-b".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> box.open(changed, data)).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> box.open(new byte[20], data)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> new AesGcm(new byte[16], random)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
