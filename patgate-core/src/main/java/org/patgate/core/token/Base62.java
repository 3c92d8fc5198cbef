package org.patgate.core.token;

import java.util.Arrays;
import org.patgate.core.PatgateException;

/**
 * Base62 with the alphabet {@code 0-9A-Za-z}, in that order (so '0' is digit 0 and 'z' is 61).
 * Fixed-width, left-padded with '0', big-endian: the most significant digit comes first.
 *
 * <p>Stateless and thread-safe. Nothing here allocates except the encoders' result strings.
 */
public final class Base62 {

    /** The 62 digits in ascending value. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** Number of digits in the alphabet. */
    public static final int RADIX = 62;

    private static final char[] DIGITS = ALPHABET.toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < DIGITS.length; i++) {
            VALUES[DIGITS[i]] = (byte) i;
        }
    }

    private Base62() {}

    /** The digit for {@code value} (0..61). */
    public static char digit(int value) {
        return DIGITS[value];
    }

    /** The value (0..61) of a base62 digit, or -1 if {@code c} is not one. Never throws. */
    public static int valueOf(char c) {
        return c < 128 ? VALUES[c] : -1;
    }

    /** Whether {@code c} is one of the 62 digits. */
    public static boolean isDigit(char c) {
        return valueOf(c) >= 0;
    }

    /**
     * Encodes a non-negative value in exactly {@code width} digits, left-padded with '0'.
     *
     * @throws PatgateException if the value is negative or does not fit in {@code width} digits
     */
    public static String encode(long value, int width) {
        if (value < 0 || width < 1 || width > 11) {
            throw new PatgateException("cannot base62-encode " + value + " in " + width + " digits");
        }
        char[] out = new char[width];
        long rest = value;
        for (int i = width - 1; i >= 0; i--) {
            out[i] = DIGITS[(int) (rest % RADIX)];
            rest /= RADIX;
        }
        if (rest != 0) {
            throw new PatgateException("value " + value + " does not fit in " + width + " base62 digits");
        }
        return new String(out);
    }

    /**
     * Decodes digits {@code from} (inclusive) to {@code to} (exclusive) of {@code text}.
     *
     * @return the value, or -1 if a character is not a base62 digit or the value overflows a long
     */
    public static long decode(CharSequence text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = valueOf(text.charAt(i));
            if (digit < 0 || value > (Long.MAX_VALUE - digit) / RADIX) {
                return -1;
            }
            value = value * RADIX + digit;
        }
        return value;
    }

    /**
     * Whether {@code text[from, from + width)} is exactly the {@code width}-digit encoding of
     * {@code value}. Compares digit by digit from the right without allocating; any other
     * spelling (including a different but numerically equal one, which cannot exist at fixed
     * width) is refused.
     */
    public static boolean matches(CharSequence text, int from, int width, long value) {
        long rest = value;
        int mismatches = 0;
        for (int i = from + width - 1; i >= from; i--) {
            // Accumulate instead of returning early: the comparison time does not depend on
            // where the first wrong digit is.
            mismatches |= text.charAt(i) ^ DIGITS[(int) (rest % RADIX)];
            rest /= RADIX;
        }
        return mismatches == 0 && rest == 0;
    }
}
