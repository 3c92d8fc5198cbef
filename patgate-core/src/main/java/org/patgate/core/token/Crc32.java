package org.patgate.core.token;

/**
 * CRC-32 (ISO-HDLC, the one of {@link java.util.zip.CRC32}, zlib and PNG) over the low byte of
 * each char. Table-driven so that checking a token needs no {@code CRC32} object and no byte
 * array; callers only feed ASCII characters, for which the low byte is the ASCII byte.
 */
final class Crc32 {

    /** Register value before the first byte (pre-inverted as the algorithm requires). */
    static final int INITIAL = 0xFFFFFFFF;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32() {}

    /** Feeds {@code text[from, to)} into the running register {@code state}. */
    static int update(int state, CharSequence text, int from, int to) {
        int c = state;
        for (int i = from; i < to; i++) {
            c = TABLE[(c ^ text.charAt(i)) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    /** Final CRC value as an unsigned 32-bit number. */
    static long finish(int state) {
        return (~state) & 0xFFFFFFFFL;
    }
}
