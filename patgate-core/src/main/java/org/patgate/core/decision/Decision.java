package org.patgate.core.decision;

import java.util.Objects;

/**
 * The answer to "may this request reach the upstream?". Immutable and thread-safe. A gateway that
 * fails to compute a decision must treat the failure as a {@link Deny}.
 */
public sealed interface Decision {

    /** The request may be forwarded. */
    record Allow() implements Decision {}

    /**
     * The request is answered by the gateway and never reaches the upstream.
     *
     * @param status {@code 400} (malformed or ambiguous request), {@code 401} (no usable
     *               credential), {@code 403} (credential valid, request forbidden) or {@code 405}
     *               (a method the gateway never forwards)
     * @param reason a fixed, human-readable explanation, safe to show the client: it never contains
     *               a secret or echoes request data
     */
    record Deny(int status, String reason) implements Decision {
        public Deny {
            if (status != 400 && status != 401 && status != 403 && status != 405) {
                throw new IllegalArgumentException("deny status must be 400, 401, 403 or 405, was " + status);
            }
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("deny reason must not be blank");
            }
        }

        /** A {@code 400} for a request that is malformed or ambiguous. */
        public static Deny badRequest(String reason) {
            return new Deny(400, reason);
        }

        /** A {@code 401}: no usable credential was presented. */
        public static Deny unauthorized(String reason) {
            return new Deny(401, reason);
        }

        /** A {@code 405}: a method the gateway never forwards, whoever asks. */
        public static Deny methodNotAllowed(String reason) {
            return new Deny(405, reason);
        }

        /** A {@code 403}: the credential is valid but does not allow this request. */
        public static Deny forbidden(String reason) {
            return new Deny(403, reason);
        }
    }

    /** The shared {@link Allow} instance. */
    Decision ALLOW = new Allow();

    /** Whether this decision lets the request through. */
    default boolean isAllowed() {
        return this instanceof Allow;
    }
}
