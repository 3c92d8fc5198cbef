package org.patgate.core.token;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.patgate.core.PatgateException;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): turns one secret (the pepper) into keys for separate purposes,
 * each named by its {@code info}, none of which tells anything about the secret or the other keys.
 * Stateless and thread-safe.
 */
public final class KeyDerivation {

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private KeyDerivation() {}

    /**
     * HKDF-SHA256: extract with {@code salt} (empty or null = 32 zero bytes, RFC 5869 §2.2), then
     * expand with {@code info} to {@code length} bytes (at most 255 × 32).
     */
    public static byte[] hkdfSha256(byte[] inputKey, byte[] salt, byte[] info, int length) {
        Objects.requireNonNull(inputKey, "inputKey");
        Objects.requireNonNull(info, "info");
        if (length < 1 || length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("HKDF-SHA256 gives 1 to " + 255 * HASH_BYTES + " bytes, not " + length);
        }
        byte[] pseudoRandomKey = hmac(salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt, inputKey);
        try {
            Mac mac = mac(pseudoRandomKey);
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            for (int i = 1, done = 0; done < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                block = mac.doFinal();
                int take = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, take);
                done += take;
            }
            Arrays.fill(block, (byte) 0);
            return out;
        } finally {
            Arrays.fill(pseudoRandomKey, (byte) 0);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new PatgateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }
}
