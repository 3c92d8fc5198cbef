package org.patgate.core.token;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.patgate.core.PatgateException;

/**
 * HMAC-SHA256(pepper, token): what the database stores and looks tokens up by, as
 * {@link #hex()}. Immutable (copies on the way in and out). {@link #equals(Object)} runs in
 * constant time; {@link #toString()} shows only the first two bytes.
 *
 * @param bytes exactly {@value #LENGTH} bytes
 */
public record TokenDigest(byte[] bytes) {

    public static final int LENGTH = 32;

    private static final HexFormat HEX = HexFormat.of();

    public TokenDigest {
        if (bytes == null || bytes.length != LENGTH) {
            throw new PatgateException(
                    "a token digest has " + LENGTH + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    /** A copy of the 32 digest bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case, 64 hex characters: the stored and indexed form. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /**
     * Parses {@link #hex()} output. Upper-case hex digits are accepted too.
     *
     * @throws PatgateException if {@code hex} is not exactly 64 hex digits (the value is not echoed)
     */
    public static TokenDigest fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new PatgateException("a token digest is " + 2 * LENGTH + " hex characters, got "
                    + (hex == null ? "null" : hex.length()));
        }
        for (int i = 0; i < hex.length(); i++) {
            if (!HexFormat.isHexDigit(hex.charAt(i))) {
                throw new PatgateException("a token digest is hex, found a non-hex character at index " + i);
            }
        }
        return new TokenDigest(HEX.parseHex(hex));
    }

    /** Constant time: the time taken does not reveal how many leading bytes agree. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TokenDigest that && MessageDigest.isEqual(bytes, that.bytes);
    }

    /** The first four bytes; the digest is uniformly distributed, so that is a good hash. */
    @Override
    public int hashCode() {
        return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    /** Only a short prefix, enough to correlate log lines, never the lookup key itself. */
    @Override
    public String toString() {
        return "TokenDigest[" + HEX.formatHex(bytes, 0, 2) + "…]";
    }
}
