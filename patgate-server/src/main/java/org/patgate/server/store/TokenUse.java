package org.patgate.server.store;

import java.time.Instant;
import java.util.Objects;

/** One observed use of a token, for {@link TokenRepository#recordUses}. {@code ip} and {@code userAgent} may be null. */
public record TokenUse(String tokenId, Instant at, String ip, String userAgent) {

    public TokenUse {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(at, "at");
    }
}
