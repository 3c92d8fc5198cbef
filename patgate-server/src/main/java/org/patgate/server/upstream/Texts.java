package org.patgate.server.upstream;

/** Text from the upstream product made safe to show and store: no control characters, bounded length. */
final class Texts {

    private static final int MAX_LENGTH = 255;

    private Texts() {}

    /** {@code value} with every control character replaced by {@code ?}, cut to 255 characters. */
    static String safe(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LENGTH));
        value.codePoints()
                .limit(MAX_LENGTH)
                .forEach(c -> out.appendCodePoint(
                        Character.isISOControl(c)
                                        || Character.getType(c) == Character.FORMAT
                                        || Character.getType(c) == Character.LINE_SEPARATOR
                                        || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                                ? '?'
                                : c));
        return out.toString();
    }
}
