package org.patgate.server.gateway;

import org.patgate.core.token.TokenFormat;

/**
 * Finds this installation's tokens in text that would otherwise travel on to the upstream: header
 * names and values, the path, the query. A sighting is what {@link TokenFormat#looksLikeTokenIn}
 * says (prefix + body + valid checksum anywhere, or a near miss at the start of a word), in the text
 * as sent and, when it holds '%', in its percent-decoded forms (decoded up to three times, leniently:
 * broken escapes stay as they are), since an upstream or its framework may decode once more.
 *
 * <p>Hot path: text without '%' costs one {@code indexOf} of the prefix and allocates nothing.
 * Thread-safe.
 */
final class TokenSpotter {

    private static final int MAX_DECODINGS = 3;

    private final TokenFormat format;

    TokenSpotter(TokenFormat format) {
        this.format = format;
    }

    boolean spotIn(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        if (format.looksLikeTokenIn(text)) {
            return true;
        }
        String decoded = text;
        for (int round = 0; round < MAX_DECODINGS && decoded.indexOf('%') >= 0; round++) {
            String next = percentDecodeLeniently(decoded);
            if (next.equals(decoded)) {
                return false;
            }
            if (format.looksLikeTokenIn(next)) {
                return true;
            }
            decoded = next;
        }
        return false;
    }

    /**
     * {@code %XX} becomes the byte XX read as Latin-1 (enough to see ASCII tokens); anything else,
     * including '+' and broken escapes, is kept.
     */
    static String percentDecodeLeniently(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    out.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
