package org.patgate.bench;

import java.security.SecureRandom;
import org.patgate.core.token.TokenFormat;

/**
 * A freshly generated, well-formed token that no server has issued, so the load harness can measure
 * the "unknown token" path (HMAC + negative cache). Stateless.
 */
public final class TokenSample {

    private TokenSample() {}

    /** A new token with this prefix, or the default prefix when null. */
    public static String generate(String prefix) {
        TokenFormat format = prefix != null ? new TokenFormat(prefix) : TokenFormat.withDefaultPrefix();
        return format.generate(new SecureRandom());
    }
}
