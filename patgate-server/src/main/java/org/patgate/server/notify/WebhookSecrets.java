package org.patgate.server.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.patgate.core.PatgateException;
import org.patgate.core.token.AesGcm;
import org.patgate.core.token.TokenDigester;

/**
 * Keeps the webhook signing secrets encrypted in the database: AES-256-GCM under a key derived from
 * the pepper ({@link TokenDigester#deriveKey}, purpose {@value #PURPOSE}), a fresh random 96-bit
 * nonce per value, and the group's key as associated data, so a value copied into another group's
 * row does not decrypt. The stored text is {@value #PREFIX} followed by base64 of nonce and
 * ciphertext; the prefix holds a space, which no secret may contain, so a secret stored in plain by
 * an earlier version is told apart and still read as it is. Exceptions never carry a secret or key
 * material. Thread-safe.
 */
public final class WebhookSecrets {

    /** The HKDF info naming this key's purpose; a new scheme takes a new version here and in the prefix. */
    public static final String PURPOSE = "patgate webhook secret encryption v1";

    /** The start of every encrypted value. */
    public static final String PREFIX = "aes-gcm.v1 ";

    private final AesGcm box;

    private WebhookSecrets(byte[] key, SecureRandom random) {
        this.box = new AesGcm(key, random);
        Arrays.fill(key, (byte) 0);
    }

    /** Secrets under the key this installation's pepper gives for {@link #PURPOSE}. */
    public static WebhookSecrets derivedFrom(TokenDigester digester, SecureRandom random) {
        return new WebhookSecrets(digester.deriveKey(PURPOSE, 32), random);
    }

    /** Whether {@code stored} is an encrypted value (else a secret stored in plain by an earlier version). */
    public static boolean encrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The text to store for {@code secret}, the webhook secret of the target of {@code groupKey}. */
    public String encrypt(String groupKey, String secret) {
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(secret, "secret");
        return PREFIX
                + Base64.getEncoder()
                        .encodeToString(box.seal(secret.getBytes(StandardCharsets.UTF_8), associatedData(groupKey)));
    }

    /**
     * The secret stored as {@code stored} for the target of {@code groupKey}; a value stored in plain
     * by an earlier version is returned as it is.
     *
     * @throws WebhookSecretException when an encrypted value does not decrypt: the pepper is not the
     *     one it was encrypted under, or the value was changed or copied from another group's row
     */
    public String decrypt(String groupKey, String stored) {
        Objects.requireNonNull(groupKey, "groupKey");
        if (!encrypted(stored)) {
            return stored;
        }
        String subject = "the webhook secret of the notification target '" + groupKey + "'";
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new WebhookSecretException(subject + " cannot be decrypted: it is not base64");
        }
        try {
            return new String(box.open(bytes, associatedData(groupKey)), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WebhookSecretException(subject
                    + " cannot be decrypted: this node's token pepper (tokens.pepper / tokens.pepperFile) is not "
                    + "the one it was encrypted under, or the stored value was changed; set the secret again");
        } catch (GeneralSecurityException e) {
            throw new WebhookSecretException(subject + " cannot be decrypted: it is too short");
        }
    }

    private static byte[] associatedData(String groupKey) {
        return ("patgate-webhook-secret/v1/" + groupKey).getBytes(StandardCharsets.UTF_8);
    }

    /** A stored webhook secret cannot be decrypted; the message names the target and the likely cause. */
    public static final class WebhookSecretException extends PatgateException {
        public WebhookSecretException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "WebhookSecrets[AES-256-GCM, key=***]";
    }
}
