package org.patgate.server.upstream;

import java.util.Objects;
import java.util.Set;

/**
 * What the gateway may forward for a user in place of their PATgate token: the decrypted native
 * token of a working link ({@link Usable}), or why there is none ({@link Unusable}).
 */
public sealed interface NativeCredential {

    /** The native token to send as {@code Authorization: Bearer}. {@link #toString()} masks it. */
    record Usable(String bearerToken) implements NativeCredential {
        public Usable {
            Objects.requireNonNull(bearerToken, "bearerToken");
        }

        @Override
        public String toString() {
            return "Usable[bearerToken=***]";
        }
    }

    /**
     * No working link: {@code status} is {@code missing} (never linked), {@code expired},
     * {@code broken} (the product refused the token, or it cannot be decrypted) or {@code revoked};
     * {@code reason} says why, for the user.
     */
    record Unusable(String status, String reason) implements NativeCredential {
        public static final String MISSING = "missing";
        public static final String EXPIRED = "expired";
        public static final String BROKEN = "broken";
        public static final String REVOKED = "revoked";

        private static final Set<String> STATUSES = Set.of(MISSING, EXPIRED, BROKEN, REVOKED);

        public Unusable {
            if (!STATUSES.contains(status)) {
                throw new IllegalArgumentException("unknown status " + status);
            }
        }
    }
}
