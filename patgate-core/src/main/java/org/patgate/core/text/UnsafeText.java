package org.patgate.core.text;

/**
 * Characters that make text lie about itself when it is shown or logged: control characters (C0,
 * DEL, C1) that break or rewrite lines, the Unicode line and paragraph separators, and the
 * bidirectional formatting characters (embeddings and overrides U+202A–U+202E, isolates
 * U+2066–U+2069, the marks U+200E, U+200F and U+061C) that reorder what a reader sees ("Trojan
 * Source"). Names refuse them ({@link #firstUnsafe}); log lines escape them ({@link #escape}).
 * Stateless.
 */
public final class UnsafeText {

    private UnsafeText() {}

    /** Whether the code point is one of the characters described above. */
    public static boolean isUnsafe(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || isBidiControl(c);
    }

    /** The bidirectional formatting characters: embeddings, overrides, isolates and the invisible marks. */
    public static boolean isBidiControl(int c) {
        return c == 0x061C
                || c == 0x200E
                || c == 0x200F
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** The first unsafe character of {@code text} as {@code U+XXXX}, or null when there is none. */
    public static String firstUnsafe(CharSequence text) {
        if (text == null) {
            return null;
        }
        return text.codePoints()
                .filter(UnsafeText::isUnsafe)
                .mapToObj(c -> String.format("U+%04X", c))
                .findFirst()
                .orElse(null);
    }

    /**
     * The text with every unsafe character escaped, so it stays on one line and reads as it is:
     * {@code \r}, {@code \n}, {@code \t} as those two characters, any other as {@code \}{@code uXXXX}.
     * Returns the same instance when nothing needs escaping.
     */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !isUnsafe(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUnsafe(c)) {
                escaped.append(c);
            } else if (c == '\r') {
                escaped.append("\\r");
            } else if (c == '\n') {
                escaped.append("\\n");
            } else if (c == '\t') {
                escaped.append("\\t");
            } else {
                escaped.append(String.format("\\u%04x", (int) c));
            }
        }
        return escaped.toString();
    }
}
