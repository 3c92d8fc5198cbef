package org.patgate.server.token;

import java.security.SecureRandom;
import org.patgate.core.token.Base62;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;

/**
 * Makes what a new or rotated token is stored as: a fresh secret in this installation's format,
 * its peppered digest and its hint, and a random token id. Thread-safe.
 */
public final class TokenSecrets {

    private static final int ID_LENGTH = 12;

    private final TokenFormat format;
    private final TokenDigester digester;
    private final SecureRandom random;

    public TokenSecrets(TokenFormat format, TokenDigester digester, SecureRandom random) {
        this.format = format;
        this.digester = digester;
        this.random = random;
    }

    /** A new secret; the caller hands it out once and keeps only its {@link #digestHex digest}. */
    String newSecret() {
        return format.generate(random);
    }

    String digestHex(String secret) {
        return digester.digest(secret).hex();
    }

    static String hintOf(String secret) {
        return TokenFormat.hintOf(secret);
    }

    String newId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(Base62.digit(random.nextInt(Base62.RADIX)));
        }
        return id.toString();
    }
}
