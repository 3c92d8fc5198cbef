package org.patgate.core.path;

/**
 * Turns a request path as received on the wire into the path the upstream will act on, or refuses
 * it. Rule matching must only ever see {@link NormalizedPath.Ok#decoded()}, and the gateway forwards
 * {@link NormalizedPath.Ok#encoded()}, so that what was checked is exactly what the upstream gets.
 *
 * <p>The rules follow what Tomcat (the server under Jira, Confluence and Bitbucket) does, and refuse
 * whatever another server (Jetty, nginx, Spring) could read differently:
 * <ol>
 *   <li>The path must be 1 to {@value #MAX_LENGTH} characters and start with {@code '/'}
 *       (absolute-form and {@code *} targets are refused).</li>
 *   <li>Raw characters must be RFC 3986 {@code pchar}s or {@code '/'}: a raw space, control
 *       character, backslash, non-ASCII character, {@code "<>[]^`{|}?#} is refused, clients must
 *       percent-encode.</li>
 *   <li>Path parameters (Tomcat semantics): in every segment, everything from the first raw
 *       {@code ';'} is a parameter and is dropped, from both outputs. {@code /a/..;x/b} is
 *       therefore {@code /b}.</li>
 *   <li>Percent-escapes are decoded exactly once; a malformed escape, bytes that are not strict
 *       UTF-8 (overlong forms, surrogates, stray continuation bytes), an encoded {@code '/'},
 *       {@code '\'} or {@code ';'}, any control character (C0, DEL and C1) and a decoded
 *       {@code '%'} followed by two hex digits (double encoding such as {@code %252F}) are refused.
 *       {@code %2E} is an ordinary {@code '.'}, so {@code %2e%2e} is a {@code ..} segment.</li>
 *   <li>Empty segments are collapsed ({@code //} is {@code /}, as Tomcat does); {@code .} segments
 *       are removed and {@code ..} removes the previous segment; {@code ..} above the root is
 *       refused. A trailing {@code '/'} is kept, also when the last segment was a dot segment
 *       ({@code /a/b/..} is {@code /a/}).</li>
 *   <li>Nothing else is changed: case is preserved (paths are case-sensitive, as in Tomcat) and a
 *       segment with a trailing dot such as {@code issue.} stays {@code issue.}.</li>
 *   <li>{@code encoded} leaves only unreserved characters, sub-delims other than {@code ';'},
 *       {@code ':'} and {@code '@'} raw and percent-encodes every other byte of the UTF-8 form in
 *       upper case; it normalises to the same result (it is a fixpoint).</li>
 * </ol>
 *
 * <p>Stateless and thread-safe. A path that needs no change is returned without copying.
 */
public final class PathNormalizer {

    /** Longest accepted path, in characters (8 KiB). */
    public static final int MAX_LENGTH = 8192;

    private static final NormalizedPath.Ok ROOT = new NormalizedPath.Ok("/", "/");

    private static final NormalizedPath EMPTY = refused("empty request path");
    private static final NormalizedPath TOO_LONG = refused("request path longer than " + MAX_LENGTH + " characters");
    private static final NormalizedPath NOT_ORIGIN_FORM = refused("request path must start with '/'");
    private static final NormalizedPath UNENCODED_CHARACTER =
            refused("request path contains a character that must be percent-encoded");
    private static final NormalizedPath CONTROL_CHARACTER = refused("request path contains a control character");
    private static final NormalizedPath BACKSLASH = refused("request path contains a backslash");
    private static final NormalizedPath MALFORMED_ESCAPE = refused("malformed percent-encoding in request path");
    private static final NormalizedPath INVALID_UTF8 =
            refused("percent-encoded bytes in request path are not valid UTF-8");
    private static final NormalizedPath ENCODED_SEPARATOR = refused("encoded '/' or '\\' in request path");
    private static final NormalizedPath ENCODED_SEMICOLON = refused("encoded ';' in request path");
    private static final NormalizedPath DOUBLE_ENCODING = refused("double percent-encoding in request path");
    private static final NormalizedPath ABOVE_ROOT = refused("request path climbs above the root with '..'");

    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    /**
     * ASCII characters that stand for themselves, both accepted raw and left raw in
     * {@code encoded}: RFC 3986 unreserved, sub-delims except ';', ':' and '@'. Keeping one table
     * for both directions is what makes {@code encoded} a fixpoint.
     */
    private static final boolean[] LITERAL = new boolean[128];

    static {
        String literal = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@";
        for (int i = 0; i < literal.length(); i++) {
            LITERAL[literal.charAt(i)] = true;
        }
    }

    private PathNormalizer() {}

    /**
     * Normalises a raw request-target path (as on the wire, without the query).
     *
     * @param rawPath the path; {@code null} is refused like an empty path
     * @return {@link NormalizedPath.Ok} or {@link NormalizedPath.Refused}; never throws
     */
    public static NormalizedPath normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return EMPTY;
        }
        int length = rawPath.length();
        if (length > MAX_LENGTH) {
            return TOO_LONG;
        }
        if (rawPath.charAt(0) != '/') {
            return NOT_ORIGIN_FORM;
        }
        return isAlreadyNormal(rawPath) ? new NormalizedPath.Ok(rawPath, rawPath) : normalizeSlowly(rawPath);
    }

    /** Fast path for the common case: only literal characters, no empty or dot segments. */
    private static boolean isAlreadyNormal(String path) {
        int length = path.length();
        int segmentStart = 1;
        for (int i = 1; i <= length; i++) {
            char c = i < length ? path.charAt(i) : '/';
            if (c == '/') {
                int segmentLength = i - segmentStart;
                if (segmentLength == 0 && i < length) {
                    return false;
                }
                if (path.charAt(i - 1) == '.'
                        && (segmentLength == 1 || segmentLength == 2 && path.charAt(i - 2) == '.')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c >= 128 || !LITERAL[c]) {
                return false;
            }
        }
        return true;
    }

    private static NormalizedPath normalizeSlowly(String raw) {
        int length = raw.length();
        StringBuilder decoded = new StringBuilder(length);
        StringBuilder encoded = new StringBuilder(length + 16);
        // Where each kept segment's '/' starts in both builders, so '..' can pop it.
        int[] decodedMarks = new int[length / 2 + 1];
        int[] encodedMarks = new int[length / 2 + 1];
        int depth = 0;
        boolean trailingSlash = false;
        int segmentStart = 1;
        while (true) {
            int decodedMark = decoded.length();
            int encodedMark = encoded.length();
            decoded.append('/');
            encoded.append('/');
            boolean inParameters = false;
            boolean sawPercent = false;
            int pendingBytes = 0;
            int codePoint = 0;
            int lowerBound = 0x80;
            int upperBound = 0xBF;
            int i = segmentStart;
            for (; i < length; i++) {
                char c = raw.charAt(i);
                if (c == '/') {
                    break;
                }
                if (c < 0x20 || c == 0x7F) {
                    return CONTROL_CHARACTER;
                }
                if (c == '\\') {
                    return BACKSLASH;
                }
                int b;
                if (c == '%') {
                    int high = i + 2 < length ? hexValue(raw.charAt(i + 1)) : -1;
                    int low = i + 2 < length ? hexValue(raw.charAt(i + 2)) : -1;
                    if (high < 0 || low < 0) {
                        return MALFORMED_ESCAPE;
                    }
                    i += 2;
                    if (inParameters) {
                        continue;
                    }
                    b = high << 4 | low;
                } else if (c == ';') {
                    if (pendingBytes != 0) {
                        return INVALID_UTF8;
                    }
                    inParameters = true;
                    continue;
                } else if (c >= 128 || !LITERAL[c]) {
                    return UNENCODED_CHARACTER;
                } else if (inParameters) {
                    continue;
                } else {
                    b = c;
                }

                // Strict UTF-8 (Unicode Table 3-7): no overlong forms, surrogates or values > U+10FFFF.
                if (pendingBytes == 0) {
                    if (b < 0x80) {
                        if (b < 0x20 || b == 0x7F) {
                            return CONTROL_CHARACTER;
                        }
                        if (b == '/' || b == '\\') {
                            return ENCODED_SEPARATOR;
                        }
                        if (b == ';') {
                            return ENCODED_SEMICOLON;
                        }
                        sawPercent |= b == '%';
                        decoded.append((char) b);
                        appendEncoded(encoded, b);
                        continue;
                    } else if (b >= 0xC2 && b <= 0xDF) {
                        pendingBytes = 1;
                        codePoint = b & 0x1F;
                    } else if (b >= 0xE0 && b <= 0xEF) {
                        pendingBytes = 2;
                        codePoint = b & 0x0F;
                        lowerBound = b == 0xE0 ? 0xA0 : 0x80;
                        upperBound = b == 0xED ? 0x9F : 0xBF;
                    } else if (b >= 0xF0 && b <= 0xF4) {
                        pendingBytes = 3;
                        codePoint = b & 0x07;
                        lowerBound = b == 0xF0 ? 0x90 : 0x80;
                        upperBound = b == 0xF4 ? 0x8F : 0xBF;
                    } else {
                        return INVALID_UTF8;
                    }
                } else {
                    if (b < lowerBound || b > upperBound) {
                        return INVALID_UTF8;
                    }
                    lowerBound = 0x80;
                    upperBound = 0xBF;
                    codePoint = codePoint << 6 | (b & 0x3F);
                    if (--pendingBytes == 0) {
                        if (codePoint <= 0x9F) {
                            return CONTROL_CHARACTER; // C1 controls U+0080..U+009F
                        }
                        decoded.appendCodePoint(codePoint);
                    }
                }
                appendPercent(encoded, b);
            }
            if (pendingBytes != 0) {
                return INVALID_UTF8;
            }
            if (sawPercent && containsEscape(decoded, decodedMark + 1)) {
                // A second decoder (servlet filter, framework, proxy) would read this differently.
                return DOUBLE_ENCODING;
            }

            int segmentLength = decoded.length() - decodedMark - 1;
            boolean dot = segmentLength == 1 && decoded.charAt(decodedMark + 1) == '.';
            boolean dotDot = segmentLength == 2
                    && decoded.charAt(decodedMark + 1) == '.'
                    && decoded.charAt(decodedMark + 2) == '.';
            trailingSlash = segmentLength == 0 || dot || dotDot;
            if (trailingSlash) {
                decoded.setLength(decodedMark);
                encoded.setLength(encodedMark);
                if (dotDot) {
                    if (depth == 0) {
                        return ABOVE_ROOT;
                    }
                    depth--;
                    decoded.setLength(decodedMarks[depth]);
                    encoded.setLength(encodedMarks[depth]);
                }
            } else {
                decodedMarks[depth] = decodedMark;
                encodedMarks[depth] = encodedMark;
                depth++;
            }
            if (i >= length) {
                break;
            }
            segmentStart = i + 1;
        }
        if (depth == 0) {
            return ROOT;
        }
        if (trailingSlash) {
            decoded.append('/');
            encoded.append('/');
        }
        return new NormalizedPath.Ok(decoded.toString(), encoded.toString());
    }

    private static boolean containsEscape(CharSequence text, int from) {
        for (int i = from; i + 2 < text.length(); i++) {
            if (text.charAt(i) == '%' && hexValue(text.charAt(i + 1)) >= 0 && hexValue(text.charAt(i + 2)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static void appendEncoded(StringBuilder encoded, int asciiByte) {
        if (LITERAL[asciiByte]) {
            encoded.append((char) asciiByte);
        } else {
            appendPercent(encoded, asciiByte);
        }
    }

    private static void appendPercent(StringBuilder encoded, int b) {
        encoded.append('%').append(HEX_DIGITS[b >> 4]).append(HEX_DIGITS[b & 0xF]);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static NormalizedPath refused(String reason) {
        return new NormalizedPath.Refused(reason);
    }
}
