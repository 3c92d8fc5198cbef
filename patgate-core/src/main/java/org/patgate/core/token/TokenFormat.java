package org.patgate.core.token;

import java.security.SecureRandom;
import java.util.Objects;
import org.patgate.core.PatgateException;

/**
 * The shape of a PATgate token: {@code <prefix><body><checksum>}, e.g. {@code pat_} + 28 random
 * base62 characters + 6 base62 characters of CRC32 over prefix and body. The prefix is set per
 * installation so that secret scanners can target exactly its tokens; the checksum lets the
 * gateway refuse typos and garbage without touching the database.
 *
 * <p>Immutable and thread-safe. {@link #parse(CharSequence)} is on the hot path: it uses no
 * regex, throws nothing for bad input, allocates nothing except a {@code Valid} result and never
 * does I/O. See {@code docs/token-format.md} for the published description.
 */
public final class TokenFormat {

    public static final String DEFAULT_PREFIX = "pat_";
    /** Random base62 characters: 28 * log2(62) = 166.7 bits, at least 160. */
    public static final int BODY_LENGTH = 28;
    /** Base62 characters of the checksum: 62^6 > 2^32, so any CRC32 value fits. */
    public static final int CHECKSUM_LENGTH = 6;

    public static final int MIN_PREFIX_LENGTH = 2;
    public static final int MAX_PREFIX_LENGTH = 16;

    private static final int HINT_LENGTH = 4;

    private final String prefix;
    private final int prefixLength;
    private final int tokenLength;
    /** CRC register after the prefix: the prefix is fixed, so it is hashed once, here. */
    private final int crcAfterPrefix;

    /**
     * @param prefix 2..16 characters: one or more of {@code [a-z0-9]}, then exactly one {@code '_'}
     *               at the end (e.g. {@code "pat_"}, {@code "acme_"})
     * @throws InvalidTokenFormatException naming the broken rule
     */
    public TokenFormat(String prefix) {
        this.prefix = validatePrefix(prefix);
        this.prefixLength = prefix.length();
        this.tokenLength = prefixLength + BODY_LENGTH + CHECKSUM_LENGTH;
        this.crcAfterPrefix = Crc32.update(Crc32.INITIAL, prefix, 0, prefixLength);
    }

    /** The format with {@link #DEFAULT_PREFIX}. */
    public static TokenFormat withDefaultPrefix() {
        return new TokenFormat(DEFAULT_PREFIX);
    }

    private static String validatePrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidTokenFormatException("token prefix is missing: expected e.g. '" + DEFAULT_PREFIX + "'");
        }
        int length = prefix.length();
        if (length < MIN_PREFIX_LENGTH || length > MAX_PREFIX_LENGTH) {
            throw new InvalidTokenFormatException("token prefix '" + prefix + "' has " + length
                    + " characters: it must have " + MIN_PREFIX_LENGTH + " to " + MAX_PREFIX_LENGTH
                    + ", ending in '_' (e.g. '" + DEFAULT_PREFIX + "')");
        }
        if (prefix.charAt(length - 1) != '_') {
            throw new InvalidTokenFormatException("token prefix '" + prefix + "' must end with '_' (e.g. '"
                    + DEFAULT_PREFIX + "'): the separator keeps tokens recognisable");
        }
        for (int i = 0; i < length - 1; i++) {
            char c = prefix.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                throw new InvalidTokenFormatException("token prefix '" + prefix + "' has '" + c + "' at index " + i
                        + ": before the final '_' only lower-case letters a-z and digits 0-9 are allowed");
            }
        }
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** Total characters of a token: prefix + {@value #BODY_LENGTH} + {@value #CHECKSUM_LENGTH}. */
    public int tokenLength() {
        return tokenLength;
    }

    /**
     * A fresh token. Every body character is {@code random.nextInt(62)}, which is unbiased
     * (rejection sampling inside {@link java.util.Random#nextInt(int)}); a modulo of raw bytes
     * would favour the first characters of the alphabet.
     */
    public String generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        StringBuilder token = new StringBuilder(tokenLength).append(prefix);
        for (int i = 0; i < BODY_LENGTH; i++) {
            token.append(Base62.digit(random.nextInt(Base62.RADIX)));
        }
        long checksum = Crc32.finish(Crc32.update(crcAfterPrefix, token, prefixLength, prefixLength + BODY_LENGTH));
        return token.append(Base62.encode(checksum, CHECKSUM_LENGTH)).toString();
    }

    /**
     * Checks a candidate without any lookup. Rules are checked in the order of
     * {@link TokenParse.Reason}; the first broken one is reported. Never throws for bad input.
     */
    public TokenParse parse(CharSequence candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return TokenParse.Invalid.of(TokenParse.Reason.EMPTY);
        }
        int length = candidate.length();
        if (length < prefixLength) {
            return TokenParse.Invalid.of(TokenParse.Reason.WRONG_PREFIX);
        }
        for (int i = 0; i < prefixLength; i++) {
            if (candidate.charAt(i) != prefix.charAt(i)) {
                return TokenParse.Invalid.of(TokenParse.Reason.WRONG_PREFIX);
            }
        }
        if (length != tokenLength) {
            return TokenParse.Invalid.of(TokenParse.Reason.WRONG_LENGTH);
        }
        for (int i = prefixLength; i < tokenLength; i++) {
            if (!Base62.isDigit(candidate.charAt(i))) {
                return TokenParse.Invalid.of(TokenParse.Reason.ILLEGAL_CHARACTER);
            }
        }
        int bodyEnd = prefixLength + BODY_LENGTH;
        long checksum = Crc32.finish(Crc32.update(crcAfterPrefix, candidate, prefixLength, bodyEnd));
        if (!Base62.matches(candidate, bodyEnd, CHECKSUM_LENGTH, checksum)) {
            return TokenParse.Invalid.of(TokenParse.Reason.BAD_CHECKSUM);
        }
        return new TokenParse.Valid(candidate.toString());
    }

    /**
     * A run of this many base62 characters after the prefix, at the start of a word, counts as a
     * token even when its checksum is wrong or it is cut short: a typo'd or truncated copy is still
     * a secret that must not travel on.
     */
    public static final int NEAR_MISS_BODY = 20;

    /**
     * Whether {@code text} holds, anywhere, something that looks like a token of this installation:
     * the prefix followed by {@value #BODY_LENGTH} + {@value #CHECKSUM_LENGTH} base62 characters with
     * a matching checksum (wherever it stands, even inside a longer word), or the prefix at the start
     * of a word followed by at least {@value #NEAR_MISS_BODY} base62 characters (a near miss). The
     * checksum keeps unrelated text such as {@code compat_...} from counting unless it really holds a
     * token. For scanning every header and query of every request: {@code indexOf} of the prefix,
     * no regex, no allocation, and nothing but that search when the prefix is absent.
     */
    public boolean looksLikeTokenIn(CharSequence text) {
        if (text == null) {
            return false;
        }
        String haystack = text instanceof String s ? s : null;
        int length = text.length();
        int from = 0;
        while (true) {
            int at = haystack != null ? haystack.indexOf(prefix, from) : indexOf(text, from);
            if (at < 0) {
                return false;
            }
            int bodyStart = at + prefixLength;
            int run = 0;
            while (bodyStart + run < length && Base62.isDigit(text.charAt(bodyStart + run))) {
                run++;
            }
            boolean wordStart = at == 0 || !Base62.isDigit(text.charAt(at - 1));
            if (wordStart && run >= NEAR_MISS_BODY) {
                return true;
            }
            if (run >= BODY_LENGTH + CHECKSUM_LENGTH) {
                int bodyEnd = bodyStart + BODY_LENGTH;
                long checksum = Crc32.finish(Crc32.update(crcAfterPrefix, text, bodyStart, bodyEnd));
                if (Base62.matches(text, bodyEnd, CHECKSUM_LENGTH, checksum)) {
                    return true;
                }
            }
            from = at + 1;
        }
    }

    private int indexOf(CharSequence text, int from) {
        int last = text.length() - prefixLength;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < prefixLength; j++) {
                if (text.charAt(i + j) != prefix.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Shortcut for {@code parse(candidate).isValid()}. */
    public boolean isWellFormed(CharSequence candidate) {
        return parse(candidate) instanceof TokenParse.Valid;
    }

    /**
     * The published pattern (the one in {@code docs/token-format.md} for the default prefix),
     * written in the common subset of Java, RE2 (gitleaks, GitHub secret scanning) and PCRE.
     * The word boundaries keep it from matching inside a longer run of letters and digits.
     */
    public String regex() {
        return "\\b" + prefix + "[0-9A-Za-z]{" + (BODY_LENGTH + CHECKSUM_LENGTH) + "}\\b";
    }

    /**
     * The last four characters of a token: a non-secret hint to tell tokens apart in lists.
     * They are checksum characters, so they reveal nothing of the random body beyond what the
     * checksum already does.
     *
     * @throws PatgateException if {@code token} is null or shorter than four characters
     */
    public static String hintOf(String token) {
        if (token == null || token.length() < HINT_LENGTH) {
            throw new PatgateException("a token hint needs at least " + HINT_LENGTH + " characters, got "
                    + (token == null ? "null" : token.length()));
        }
        return token.substring(token.length() - HINT_LENGTH);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenFormat that && prefix.equals(that.prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return "TokenFormat[prefix=" + prefix + ", length=" + tokenLength + "]";
    }
}
