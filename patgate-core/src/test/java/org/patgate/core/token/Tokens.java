package org.patgate.core.token;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Test helper: a deterministic SecureRandom, so a failing property run can be replayed. */
final class Tokens {

    private Tokens() {}

    static SecureRandom seededRandom(long seed) {
        try {
            // SHA1PRNG seeded before first use is deterministic; the default one is not.
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
