package org.patgate.server.directory;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.PasswordConverter;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes local-directory passwords with Argon2id (RFC 9106) at the OWASP-recommended minimum:
 * 19 MiB of memory, 2 passes, 1 lane, 16-byte random salt, 32-byte tag. Hashes are PHC
 * strings, {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with unpadded standard
 * Base64, so they interoperate with other Argon2 libraries. Passwords are encoded as UTF-8.
 *
 * <p>{@link #verify} accepts other Argon2id parameters within sane bounds (so hashes made with
 * older or imported settings still verify; {@link #needsRehash} tells the caller to upgrade
 * them on the next successful login) and never throws for malformed input: it answers false.
 * The bounds stop a tampered hash from making a login allocate gigabytes.
 *
 * <p>Every hash and check runs under a {@link PasswordCheckLimit} (by default sized from the heap),
 * so a burst of logins cannot run more Argon2id computations at once than the heap can hold; a
 * call beyond the cap throws {@link PasswordChecksBusyException} before it allocates anything.
 *
 * <p>Thread-safe; each call uses its own generator.
 */
public final class PasswordHasher {

    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    // Limits for hashes we did not make ourselves; well above any sensible setting.
    private static final int MAX_MEMORY_KIB = 262_144;
    private static final int MAX_ITERATIONS = 16;
    private static final int MAX_PARALLELISM = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    private static final int MIN_HASH_BYTES = 16;
    private static final int MAX_HASH_BYTES = 64;

    private static final String PREFIX = "$argon2id$v=19$";
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final PasswordCheckLimit limit;
    private final AtomicInteger computing = new AtomicInteger();
    private final AtomicInteger peakComputing = new AtomicInteger();

    /** A hasher whose cap on parallel computations is sized from this JVM's heap. */
    public PasswordHasher() {
        this(PasswordCheckLimit.forHeap());
    }

    public PasswordHasher(PasswordCheckLimit limit) {
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** The cap on hashes and checks running at once. */
    public PasswordCheckLimit limit() {
        return limit;
    }

    /**
     * A new PHC string for {@code password}, with a fresh random salt.
     *
     * @throws PasswordChecksBusyException when the cap is reached
     */
    public String hash(char[] password) {
        return limit.run(() -> hashInSlot(password));
    }

    /**
     * As {@link #hash}, for a caller that holds a slot of {@link #limit()} already, or for the one
     * hash a node makes for itself at start (the stand-in for unknown users), which a login burst
     * must never be able to refuse.
     */
    String hashInSlot(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = counted(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return PREFIX + "m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code encoded}; the tag comparison is constant-time.
     * False for a null password and for any malformed, out-of-bounds or non-Argon2id string.
     *
     * @throws PasswordChecksBusyException when the cap is reached (nothing was checked)
     */
    public boolean verify(char[] password, String encoded) {
        return limit.run(() -> verifyInSlot(password, encoded));
    }

    /** As {@link #verify}, for a caller that already holds a slot of {@link #limit()}. */
    boolean verifyInSlot(char[] password, String encoded) {
        if (password == null) {
            return false;
        }
        Phc phc = Phc.parse(encoded);
        if (phc == null) {
            return false;
        }
        byte[] actual = counted(password, phc.salt, phc.memoryKib, phc.iterations, phc.parallelism, phc.hash.length);
        return MessageDigest.isEqual(actual, phc.hash);
    }

    /**
     * Whether {@code encoded} should be replaced by a fresh {@link #hash} (after a successful
     * {@link #verify}): true if malformed or made with parameters other than the current ones.
     */
    public boolean needsRehash(String encoded) {
        Phc phc = Phc.parse(encoded);
        return phc == null
                || phc.memoryKib != MEMORY_KIB
                || phc.iterations != ITERATIONS
                || phc.parallelism != PARALLELISM
                || phc.salt.length != SALT_BYTES
                || phc.hash.length != HASH_BYTES;
    }

    /** The most Argon2id computations this hasher ran at the same moment since it was made. */
    public int peakComputing() {
        return peakComputing.get();
    }

    private byte[] counted(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        peakComputing.accumulateAndGet(computing.incrementAndGet(), Math::max);
        try {
            return derive(password, salt, memoryKib, iterations, parallelism, length);
        } finally {
            computing.decrementAndGet();
        }
    }

    static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .withCharToByteConverter(PasswordConverter.UTF8)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "]";
    }

    /** A parsed PHC string; null from {@link #parse} means malformed or out of bounds. */
    private record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Phc parse(String encoded) {
            if (encoded == null || !encoded.startsWith(PREFIX) || encoded.length() > 512) {
                return null;
            }
            String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
            if (parts.length != 3) {
                return null;
            }
            String[] params = parts[0].split(",", -1);
            if (params.length != 3
                    || !params[0].startsWith("m=")
                    || !params[1].startsWith("t=")
                    || !params[2].startsWith("p=")) {
                return null;
            }
            int memory = boundedInt(params[0].substring(2), 1, MAX_MEMORY_KIB);
            int iterations = boundedInt(params[1].substring(2), 1, MAX_ITERATIONS);
            int parallelism = boundedInt(params[2].substring(2), 1, MAX_PARALLELISM);
            byte[] salt = unpaddedBase64(parts[1], MIN_SALT_BYTES, MAX_SALT_BYTES);
            byte[] hash = unpaddedBase64(parts[2], MIN_HASH_BYTES, MAX_HASH_BYTES);
            // RFC 9106 §3.1: memory is at least 8 KiB per lane.
            if (memory < 0
                    || iterations < 0
                    || parallelism < 0
                    || memory < 8 * parallelism
                    || salt == null
                    || hash == null) {
                return null;
            }
            return new Phc(memory, iterations, parallelism, salt, hash);
        }

        /** The value, or -1 unless it is plain decimal (no sign, no leading zero) within bounds. */
        private static int boundedInt(String text, int min, int max) {
            if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
                return -1;
            }
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return -1;
                }
            }
            int value = Integer.parseInt(text);
            return value < min || value > max ? -1 : value;
        }

        /** PHC uses standard Base64 without padding; anything else (padding, url-safe) is malformed. */
        private static byte[] unpaddedBase64(String text, int minBytes, int maxBytes) {
            if (text.isEmpty() || text.indexOf('=') >= 0 || text.length() % 4 == 1) {
                return null;
            }
            try {
                byte[] bytes = B64_DECODER.decode(text);
                // Reject non-canonical encodings (stray low bits in the last character).
                if (!B64.encodeToString(bytes).equals(text)) {
                    return null;
                }
                return bytes.length < minBytes || bytes.length > maxBytes ? null : bytes;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Phc that
                    && memoryKib == that.memoryKib
                    && iterations == that.iterations
                    && parallelism == that.parallelism
                    && Arrays.equals(salt, that.salt)
                    && Arrays.equals(hash, that.hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "Phc[m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "]";
        }
    }
}
