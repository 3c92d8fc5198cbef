package org.patgate.server.upstream;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.patgate.server.config.CredentialKeys;

/**
 * Encrypts and decrypts native upstream credentials with AES-256-GCM under the keys of
 * {@code upstream.credentialKeyFile}: a fresh random 96-bit nonce for every encryption, the id of
 * the key stored beside each ciphertext, and associated data that binds each ciphertext to its user
 * and kind of link ({@link #associatedData}), so a ciphertext copied into another user's row (or
 * relabelled as another kind) does not decrypt. Exceptions never carry key material or plaintext.
 * Immutable and thread-safe.
 */
public final class CredentialCipher {

    /** The versioned start of every associated data string. */
    public static final String ASSOCIATED_DATA_PREFIX = "patgate-upstream-link/v1/";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern SHOWABLE_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final String currentId;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(CredentialKeys keys) {
        Objects.requireNonNull(keys, "keys");
        for (String id : keys.ids()) {
            this.keys.put(id, new SecretKeySpec(keys.key(id).orElseThrow(), "AES"));
        }
        this.currentId = keys.currentId();
    }

    /** A ciphertext as stored: the key id, and the nonce and ciphertext (with its tag) in base64. */
    public record Sealed(String keyId, String nonce, String ciphertext) {
        public Sealed {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(ciphertext, "ciphertext");
        }
    }

    /** {@code patgate-upstream-link/v1/<userId>/<kind>}: what a link's ciphertext is bound to. */
    public static String associatedData(long userId, String kind) {
        return ASSOCIATED_DATA_PREFIX + userId + "/" + kind;
    }

    /** The id of the key new encryptions use. */
    public String currentKeyId() {
        return currentId;
    }

    /** Whether this cipher holds the key with this id. */
    public boolean hasKey(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Encrypts {@code secret} for the link of {@code userId} of this {@code kind}, under the current key. */
    public Sealed encrypt(String secret, long userId, String kind) {
        Objects.requireNonNull(secret, "secret");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(userId, kind).getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            return new Sealed(currentId, base64.encodeToString(nonce), base64.encodeToString(ciphertext));
        } catch (GeneralSecurityException e) {
            // Only a JDK without AES-GCM gets here; the cause names the algorithm, never data.
            throw new IllegalStateException(
                    "AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decrypts what {@link #encrypt} sealed for the link of {@code userId} of this {@code kind}.
     *
     * @throws CredentialDecryptionException when the key id is unknown, the nonce or ciphertext is
     *     malformed, or the ciphertext does not authenticate (changed, or sealed for another user,
     *     kind or key)
     */
    public String decrypt(Sealed sealed, long userId, String kind) {
        Objects.requireNonNull(sealed, "sealed");
        String subject = "the stored upstream credential of user " + userId;
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            String id = SHOWABLE_ID.matcher(sealed.keyId()).matches() ? "'" + sealed.keyId() + "'" : "(malformed)";
            throw new CredentialDecryptionException(
                    subject + " cannot be decrypted: its key " + id + " is not in upstream.credentialKeyFile");
        }
        byte[] nonce;
        byte[] ciphertext;
        try {
            nonce = Base64.getDecoder().decode(sealed.nonce());
            ciphertext = Base64.getDecoder().decode(sealed.ciphertext());
        } catch (IllegalArgumentException e) {
            throw new CredentialDecryptionException(subject + " cannot be decrypted: it is not base64");
        }
        if (nonce.length != NONCE_BYTES || ciphertext.length < TAG_BITS / 8) {
            throw new CredentialDecryptionException(subject + " cannot be decrypted: malformed nonce or ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(userId, kind).getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new CredentialDecryptionException(subject + " cannot be decrypted: it does not authenticate"
                    + " (changed, or stored for another user or link)");
        } catch (GeneralSecurityException e) {
            throw new CredentialDecryptionException(
                    subject + " cannot be decrypted: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "CredentialCipher[current=" + currentId + ", keys=" + keys.keySet() + "]";
    }
}
