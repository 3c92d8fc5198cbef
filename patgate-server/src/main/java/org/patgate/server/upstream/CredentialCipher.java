package org.patgate.server.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.CredentialKeySource;
import org.patgate.server.config.CredentialKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and decrypts native upstream credentials with AES-256-GCM under the keys of
 * {@code upstream.credentialKeyFile}: a fresh random 96-bit nonce for every encryption, the id of
 * the key stored beside each ciphertext, and associated data that binds each ciphertext to its user
 * and kind of link ({@link #associatedData}), so a ciphertext copied into another user's row (or
 * relabelled as another kind) does not decrypt. Exceptions never carry key material or plaintext.
 *
 * <p>Built on the key file ({@link #CredentialCipher(CredentialKeys, Path)}), it follows the file
 * after a rotation ({@code patgate keys rotate}, or a new file copied from another node): it reads
 * the file again before encrypting when the file changed, and when asked to decrypt under a key it
 * does not hold (at most once a second). A file that cannot be read then leaves the keys in use as
 * they were (logged). Thread-safe.
 */
public final class CredentialCipher {

    /** The versioned start of every associated data string. */
    public static final String ASSOCIATED_DATA_PREFIX = "patgate-upstream-link/v1/";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern SHOWABLE_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private static final Logger LOG = LoggerFactory.getLogger(CredentialCipher.class);
    private static final long RELOAD_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Null when the keys are fixed. */
    private final Path keyFile;

    private final SecureRandom random = new SecureRandom();
    private final AtomicLong lastUnknownKeyReload = new AtomicLong(System.nanoTime() - RELOAD_INTERVAL_NANOS);
    private volatile Ring ring;

    /** A cipher with these keys, for good. */
    public CredentialCipher(CredentialKeys keys) {
        this(keys, null);
    }

    /**
     * A cipher that starts with {@code keys}, read from {@code keyFile}, and follows that file when
     * it changes.
     */
    public CredentialCipher(CredentialKeys keys, Path keyFile) {
        this.keyFile = keyFile;
        this.ring = new Ring(keys, keyFile == null ? null : stamp(keyFile));
    }

    /** The keys in use and the file's state they were read in. */
    private record Ring(Map<String, SecretKey> keys, String currentId, String stamp) {
        Ring(CredentialKeys keys, String stamp) {
            this(secretKeys(keys), keys.currentId(), stamp);
        }

        private static Map<String, SecretKey> secretKeys(CredentialKeys keys) {
            Objects.requireNonNull(keys, "keys");
            Map<String, SecretKey> map = new LinkedHashMap<>();
            for (String id : keys.ids()) {
                map.put(id, new SecretKeySpec(keys.key(id).orElseThrow(), "AES"));
            }
            return Map.copyOf(map);
        }
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
        return ring.currentId();
    }

    /** Whether this cipher holds the key with this id. */
    public boolean hasKey(String keyId) {
        return ring.keys().containsKey(keyId);
    }

    /** Encrypts {@code secret} for the link of {@code userId} of this {@code kind}, under the current key. */
    public Sealed encrypt(String secret, long userId, String kind) {
        Objects.requireNonNull(secret, "secret");
        if (keyFile != null && !Objects.equals(stamp(keyFile), ring.stamp())) {
            reload();
        }
        Ring keys = ring;
        String currentId = keys.currentId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.keys().get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
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
        SecretKey key = ring.keys().get(sealed.keyId());
        if (key == null && keyFile != null) {
            long last = lastUnknownKeyReload.get();
            long now = System.nanoTime();
            if (now - last >= RELOAD_INTERVAL_NANOS && lastUnknownKeyReload.compareAndSet(last, now)) {
                reload();
                key = ring.keys().get(sealed.keyId());
            }
        }
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

    /** Reads the key file again; keeps the keys in use when it cannot be read. */
    private synchronized void reload() {
        String stamp = stamp(keyFile);
        if (Objects.equals(stamp, ring.stamp())) {
            return;
        }
        try {
            ring = new Ring(CredentialKeySource.read(keyFile, false, line -> {}), stamp);
            LOG.info("Read the upstream credential keys again from {}: current key {}", keyFile, ring.currentId());
        } catch (ConfigException e) {
            LOG.warn("Keeping the upstream credential keys in use: {}", e.getMessage());
        }
    }

    /** What tells one version of the key file from another: modification time, size and inode; null when absent. */
    private static String stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) + "/"
                    + Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        Ring keys = ring;
        return "CredentialCipher[current=" + keys.currentId() + ", keys="
                + keys.keys().keySet() + "]";
    }
}
