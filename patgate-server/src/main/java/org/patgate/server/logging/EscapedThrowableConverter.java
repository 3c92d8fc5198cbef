package org.patgate.server.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import org.patgate.core.text.UnsafeText;

/**
 * {@code %ex} for PATgate's log configuration: a stack trace keeps its line structure, but an
 * exception message (which may quote client data) cannot forge a log line: control characters
 * other than line feed and tab are escaped, and every line after the first starts with whitespace
 * (frames already do; "Caused by:" lines and message continuations are indented), so no line of a
 * stack trace can pass for a log line, which starts with its timestamp. Thread-safe.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        String[] lines = super.throwableProxyToString(proxy).split("\r?\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == lines.length - 1 && line.isEmpty()) {
                break; // the trailing line end
            }
            if (i > 0 && !line.isEmpty() && line.charAt(0) != '\t' && line.charAt(0) != ' ') {
                out.append("  ");
            }
            String escaped = UnsafeText.escape(line);
            // Tabs are a stack trace's own indentation; keep them readable.
            out.append(escaped.replace("\\t", "\t")).append('\n');
        }
        return out.toString();
    }
}
