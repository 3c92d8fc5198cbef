package org.patgate.server.audit;

import org.patgate.core.token.Base62;
import org.patgate.core.token.TokenFormat;

/**
 * Replaces anything shaped like a token of this installation with a marker. Audit and log callers
 * never pass secrets on purpose; this catches the accident (a user who pastes a token into a token
 * name, a username field, a search box). Thread-safe.
 */
public final class SecretRedactor {

    private static final String MARKER = "[redacted-token]";

    private final String prefix;
    private final int tokenLength;

    public SecretRedactor(TokenFormat format) {
        this.prefix = format.prefix();
        this.tokenLength = format.tokenLength();
    }

    /** Returns {@code text} with every prefix-led run of token characters replaced; null stays null. */
    public String redact(String text) {
        if (text == null || !text.contains(prefix)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int at = text.indexOf(prefix, i);
            if (at < 0) {
                out.append(text, i, text.length());
                break;
            }
            int end = at + prefix.length();
            while (end < text.length() && Base62.isDigit(text.charAt(end))) {
                end++;
            }
            out.append(text, i, at);
            // Anything long enough to be (most of) a token is hidden; a bare prefix in prose is kept.
            if (end - at >= tokenLength / 2) {
                out.append(MARKER);
            } else {
                out.append(text, at, end);
            }
            i = end;
        }
        return out.toString();
    }
}
