package org.patgate.server.gateway;

import java.nio.charset.StandardCharsets;

/**
 * The query string sent upstream: the client's raw query, byte for byte. Characters that RFC 3986
 * leaves out but real clients send unencoded (JQL's {@code "}, {@code |}, {@code {}} and
 * {@code }}, {@code ^}, {@code `}, {@code <}, {@code >}, {@code \}) pass as they came. Only what an
 * HTTP/1.1 request line cannot carry is changed, without changing its meaning: a space (possible in
 * an HTTP/2 {@code :path}) becomes {@code %20}, and a non-ASCII character its UTF-8
 * percent-encoding. Control characters, and the replacement character that stands for bytes that
 * were not UTF-8, are refused: there is no faithful way to forward them. Stateless, thread-safe.
 */
final class UpstreamQuery {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UpstreamQuery() {}

    /** Whether the raw query (null: none) can be forwarded faithfully. */
    static boolean isForwardable(String rawQuery) {
        if (rawQuery == null) {
            return true;
        }
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            // RFC 9110 §5.5: CTLs never belong in a request target; U+FFFD marks bytes that were not UTF-8.
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\ufffd') {
                return false;
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < rawQuery.length()
                            && Character.isLowSurrogate(rawQuery.charAt(++i)))) {
                return false;
            }
        }
        return true;
    }

    /** The query to send upstream; {@code rawQuery} must be {@link #isForwardable}. */
    static String forwarded(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c > ' ' && c < 0x7f) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(rawQuery.length() + 16).append(rawQuery, 0, i);
            }
            int end = Character.isHighSurrogate(c) ? i + 2 : i + 1;
            for (byte b : rawQuery.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
            i = end - 1;
        }
        return out == null ? rawQuery : out.toString();
    }
}
