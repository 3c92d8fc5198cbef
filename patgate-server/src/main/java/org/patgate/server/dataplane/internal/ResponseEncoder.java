package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, told whether the answer is to a {@code HEAD} (no body on the wire
 * whatever the framing headers say, RFC 9110 §9.3.2). The connection handles one exchange at a
 * time, so a flag set before the answer is written is enough. On the connection's event loop.
 */
public final class ResponseEncoder extends HttpResponseEncoder {

    private boolean answeringHead;

    /** Set before writing the answer to a request; {@code head} when its method is {@code HEAD}. */
    public void answering(boolean head) {
        this.answeringHead = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        boolean informational = msg.status().code() < 200;
        return (answeringHead && !informational) || super.isContentAlwaysEmpty(msg);
    }
}
