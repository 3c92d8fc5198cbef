package org.patgate.server.upstream;

import java.time.Instant;

/**
 * A native token the product minted: its id on the product (for revocation), the secret (shown by the
 * product once), and when it expires (null when the product does not say).
 */
public record MintedNativeToken(String id, String secret, Instant expiresAt) {

    @Override
    public String toString() {
        return "MintedNativeToken[id=" + id + ", secret=***, expiresAt=" + expiresAt + "]";
    }
}
