package org.patgate.server.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Local logins whose password was verified a moment ago, so a script that calls the API in
 * parallel with Basic credentials pays one Argon2id check, not one per call (which the password-check
 * cap would refuse beyond a handful). An entry is keyed by an HMAC of username and password under a
 * key that lives only in this process's memory (never the password itself), remembers the stored
 * password hash it was verified against, and counts only while that hash is still the user's: any
 * password change or reset ends it at once, on every node, since the hash is re-read on every use.
 * Wrong passwords never produce a key that is present, so guessing still pays the full check.
 * Thread-safe.
 */
final class RecentLogins {

    /** How long a verified login is remembered: a script's burst, not a session. */
    static final Duration TTL = Duration.ofSeconds(60);

    private final byte[] key = new byte[32];
    private final Cache<String, String> verified =
            Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(10_000).build();

    RecentLogins() {
        new SecureRandom().nextBytes(key);
    }

    /** The stored hash this login was verified against lately, or null. */
    String hashVerifiedFor(String username, char[] password) {
        return verified.getIfPresent(keyOf(username, password));
    }

    void remember(String username, char[] password, String passwordHash) {
        verified.put(keyOf(username, password), passwordHash);
    }

    void forget(String username, char[] password) {
        verified.invalidate(keyOf(username, password));
    }

    /** Constant-time: whether the hash verified then is still the user's hash now. */
    static boolean stillCurrent(String verifiedHash, String currentHash) {
        return currentHash != null
                && MessageDigest.isEqual(
                        verifiedHash.getBytes(StandardCharsets.UTF_8), currentHash.getBytes(StandardCharsets.UTF_8));
    }

    private String keyOf(String username, char[] password) {
        ByteBuffer secret = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[secret.remaining()];
        secret.get(bytes);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (secret.hasArray()) {
                Arrays.fill(secret.array(), (byte) 0);
            }
        }
    }
}
