package org.patgate.core.token;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of small values kept at rest under a key derived from the pepper: a fresh
 * random 96-bit nonce per value, a 128-bit tag, optional associated data, and the nonce in front of
 * the ciphertext ({@code nonce || ciphertext || tag}). Thread-safe (a cipher per call).
 */
public final class AesGcm {

    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKey key;
    private final SecureRandom random;

    /** {@code key}: 32 bytes, copied (the caller may clear its array). */
    public AesGcm(byte[] key, SecureRandom random) {
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key, not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = random;
    }

    /** {@code nonce || ciphertext || tag} of {@code plain}, bound to {@code associatedData} (null for none). */
    public byte[] seal(byte[] plain, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            if (associatedData != null) {
                cipher.updateAAD(associatedData);
            }
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            // Only a JDK without AES-GCM gets here; the cause names the algorithm, never data.
            throw new IllegalStateException(
                    "AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The plain value of {@code sealed} (as {@link #seal} made it with the same associated data).
     *
     * @throws AEADBadTagException when it was sealed under another key or data, or was changed
     * @throws GeneralSecurityException when it is too short to be a sealed value
     */
    public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("too short to be a sealed value");
        }
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE_BYTES)));
        if (associatedData != null) {
            cipher.updateAAD(associatedData);
        }
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    @Override
    public String toString() {
        return "AesGcm[key=***]";
    }
}
