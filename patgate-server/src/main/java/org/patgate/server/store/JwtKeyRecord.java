package org.patgate.server.store;

import java.time.Instant;

/**
 * A stored signing key: its id, public point (base64url x and y), the encrypted private key, and
 * when it was made. {@link #toString()} leaves out the encrypted key.
 */
public record JwtKeyRecord(String kid, String publicX, String publicY, String privateEncrypted, Instant createdAt) {

    @Override
    public String toString() {
        return "JwtKeyRecord[kid=" + kid + ", createdAt=" + createdAt + "]";
    }
}
