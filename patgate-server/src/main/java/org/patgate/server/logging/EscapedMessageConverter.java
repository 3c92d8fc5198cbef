package org.patgate.server.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.patgate.core.text.UnsafeText;

/**
 * {@code %msg} for PATgate's log configuration: the formatted message with CR, LF and every other
 * control, line-separator or bidirectional formatting character escaped ({@link UnsafeText#escape}),
 * so a username, path, header or audit target sent by a client can never start a forged log line.
 * Applies to every logger, Jetty's included (it logs through SLF4J). Thread-safe.
 */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return UnsafeText.escape(super.convert(event));
    }
}
