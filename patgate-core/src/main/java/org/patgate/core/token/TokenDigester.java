package org.patgate.core.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.patgate.core.PatgateException;

/**
 * Computes {@link TokenDigest}s: HMAC-SHA256 keyed with the installation's pepper over the
 * ASCII bytes of the token. The pepper lives outside the database, so a stolen database alone
 * cannot be used to confirm guessed tokens.
 *
 * <p>Thread-safe. A {@link Mac} is not, so initialised instances are kept in a small lock-free
 * pool of slots: a caller takes one, uses it, and puts it back; only when every slot is busy is
 * a new one created. This suits platform and virtual threads alike (a {@code ThreadLocal}
 * would create a Mac per virtual thread) and, with a reusable scratch buffer per slot, a
 * digest allocates only its result.
 */
public final class TokenDigester {

    public static final int MIN_PEPPER_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    /** Longer tokens than this are hashed through a temporary buffer (never for real tokens). */
    private static final int SCRATCH_BYTES = 64;

    private final SecretKeySpec key;
    private final AtomicReferenceArray<Worker> pool;

    /**
     * @param pepper at least {@value #MIN_PEPPER_BYTES} secret bytes; copied
     * @throws InvalidPepperException if missing or too short (the message gives only the length)
     */
    public TokenDigester(byte[] pepper) {
        if (pepper == null) {
            throw new InvalidPepperException(
                    "token pepper is missing: it needs at least " + MIN_PEPPER_BYTES + " bytes");
        }
        if (pepper.length < MIN_PEPPER_BYTES) {
            throw new InvalidPepperException("token pepper has " + pepper.length + " bytes: it needs at least "
                    + MIN_PEPPER_BYTES + " (generate 32 random bytes)");
        }
        this.key = new SecretKeySpec(pepper, ALGORITHM); // SecretKeySpec copies the bytes
        this.pool =
                new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        // Fail at start, not on the first request, if the JDK lacks HMAC-SHA256.
        release(newWorker());
    }

    /**
     * HMAC-SHA256(pepper, ASCII bytes of {@code token}).
     *
     * @throws PatgateException if {@code token} is null or contains a non-ASCII character (no
     *                          valid token does; the token itself is not echoed)
     */
    public TokenDigest digest(String token) {
        Objects.requireNonNull(token, "token");
        Worker worker = acquire();
        try {
            byte[] input = token.length() <= SCRATCH_BYTES ? worker.scratch : new byte[token.length()];
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c > 0x7F) {
                    throw new PatgateException("a token is ASCII; found a non-ASCII character at index " + i);
                }
                input[i] = (byte) c;
            }
            worker.mac.update(input, 0, token.length());
            worker.mac.doFinal(worker.result, 0);
            return new TokenDigest(worker.result);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA256 output is 32 bytes", e);
        } finally {
            // Reset before reuse even after a failure, and do not keep token bytes around.
            worker.mac.reset();
            Arrays.fill(worker.scratch, (byte) 0);
            release(worker);
        }
    }

    /**
     * A key of {@code length} bytes for one {@code purpose}, derived from the pepper with HKDF-SHA256
     * (no salt, the purpose's UTF-8 bytes as info): the same on every node with the same pepper,
     * different for every purpose, and telling nothing about the pepper or the token digests. Name
     * the purpose with a version ("patgate webhook secret encryption v1") so it can change later.
     */
    public byte[] deriveKey(String purpose, int length) {
        Objects.requireNonNull(purpose, "purpose");
        byte[] pepper = key.getEncoded(); // a copy
        try {
            return KeyDerivation.hkdfSha256(pepper, null, purpose.getBytes(StandardCharsets.UTF_8), length);
        } finally {
            Arrays.fill(pepper, (byte) 0);
        }
    }

    private Worker acquire() {
        int slots = pool.length();
        int start = (int) (Thread.currentThread().threadId() % slots);
        for (int i = 0; i < slots; i++) {
            Worker worker = pool.getAndSet((start + i) % slots, null);
            if (worker != null) {
                return worker;
            }
        }
        return newWorker();
    }

    private void release(Worker worker) {
        int slots = pool.length();
        int start = (int) (Thread.currentThread().threadId() % slots);
        for (int i = 0; i < slots; i++) {
            if (pool.compareAndSet((start + i) % slots, null, worker)) {
                return;
            }
        }
        // Pool full: drop it; the garbage collector takes it.
    }

    private Worker newWorker() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return new Worker(mac, new byte[SCRATCH_BYTES], new byte[TokenDigest.LENGTH]);
        } catch (GeneralSecurityException e) {
            throw new PatgateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** Never shows the pepper. */
    @Override
    public String toString() {
        return "TokenDigester[" + ALGORITHM + ", pepper=***]";
    }

    private record Worker(Mac mac, byte[] scratch, byte[] result) {}
}
