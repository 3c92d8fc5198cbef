package org.patgate.bench;

import java.security.SecureRandom;
import org.patgate.core.token.TokenFormat;

/**
 * {@code TokenSample [PREFIX]}: prints one freshly generated, well-formed token that no server has
 * issued, so the load harness can measure the "unknown token" path (HMAC + negative cache).
 */
public final class TokenSample {

    private TokenSample() {}

    public static void main(String[] args) {
        TokenFormat format = args.length > 0 ? new TokenFormat(args[0]) : TokenFormat.withDefaultPrefix();
        System.out.println(format.generate(new SecureRandom()));
    }
}
