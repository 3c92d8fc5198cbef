package org.patgate.server.config.internal;

import java.util.Base64;
import java.util.HexFormat;
import org.patgate.server.config.ConfigException;

/**
 * Decodes a pepper written as base64 (standard or URL-safe, padding optional) or as hex. Messages
 * never contain the pepper.
 */
public final class PepperCodec {

    public static final int MIN_BYTES = 32;

    private PepperCodec() {}

    /**
     * Decodes {@code text} (surrounding whitespace ignored) and requires at least {@link #MIN_BYTES}.
     * An even-length all-hex string of 64+ digits is read as hex; anything else as base64 (32 random
     * bytes in unpadded base64 are all-hex with negligible probability).
     */
    public static byte[] decode(String text) {
        String trimmed = text.strip();
        byte[] bytes;
        if (trimmed.length() >= 2 * MIN_BYTES && trimmed.length() % 2 == 0 && trimmed.matches("[0-9A-Fa-f]+")) {
            bytes = HexFormat.of().parseHex(trimmed);
        } else {
            try {
                bytes = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(trimmed)
                        : Base64.getDecoder().decode(trimmed);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("must be base64 (or hex) encoded");
            }
        }
        if (bytes.length < MIN_BYTES) {
            throw new ConfigException("must be at least " + MIN_BYTES + " bytes (base64)");
        }
        return bytes;
    }
}
