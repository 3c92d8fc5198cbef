package org.patgate.core.token;

import java.util.Objects;

/**
 * Outcome of {@link TokenFormat#parse(CharSequence)}: either a well-formed token with a correct
 * checksum, or the first rule the candidate broke. {@code Valid} says nothing about whether the
 * token exists, is active or belongs to anyone; it only means "worth a lookup".
 */
public sealed interface TokenParse {

    /** Whether this is {@link Valid}. */
    default boolean isValid() {
        return this instanceof Valid;
    }

    /** A candidate with the right prefix, length, alphabet and checksum. */
    record Valid(String token) implements TokenParse {
        public Valid {
            Objects.requireNonNull(token, "token");
        }

        /** Never prints the secret, only the non-secret hint. */
        @Override
        public String toString() {
            return token.length() < 4 ? "Valid[…]" : "Valid[…" + TokenFormat.hintOf(token) + "]";
        }
    }

    /** A candidate that broke a format rule; carries no part of the candidate. */
    record Invalid(Reason reason) implements TokenParse {
        private static final Invalid[] BY_REASON = new Invalid[Reason.values().length];

        static {
            for (Reason r : Reason.values()) {
                BY_REASON[r.ordinal()] = new Invalid(r);
            }
        }

        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }

        /** The shared instance for {@code reason} (parsing garbage allocates nothing). */
        public static Invalid of(Reason reason) {
            return BY_REASON[reason.ordinal()];
        }
    }

    /** The first broken rule, checked in this order. */
    enum Reason {
        /** null or zero-length. */
        EMPTY,
        /** Does not start with this installation's prefix (another installation's token, or garbage). */
        WRONG_PREFIX,
        /** Right prefix, but not exactly {@link TokenFormat#tokenLength()} characters. */
        WRONG_LENGTH,
        /** A character after the prefix is not base62 ({@code 0-9A-Za-z}). */
        ILLEGAL_CHARACTER,
        /** Well-formed, but the checksum does not match: a typo, a truncated copy, or a forgery. */
        BAD_CHECKSUM
    }
}
