package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;

/**
 * What a client connection's failure means for the client: whether it is a request head that could
 * not become an HTTP/1.1 request (answered {@code 400}, as the same target is on HTTP/1.1), and which
 * error code resets an HTTP/2 stream that failed otherwise (RFC 9113 §5.4.2, §8.1.1): the code of an
 * HTTP/2 error, {@code PROTOCOL_ERROR} for a malformed message, {@code INTERNAL_ERROR} for PATgate's
 * own failures. Never {@code CANCEL}, which says the stream is no longer wanted. Stateless.
 */
final class StreamFailures {

    /** The answer to an HTTP/2 request head the conversion to HTTP/1.1 refused. */
    static final String UNCONVERTIBLE_HEAD = "the :path holds a space before its query, a control character or "
            + "another character a request line cannot carry; percent-encode it";

    private StreamFailures() {}

    /** Whether {@code cause} is the conversion's refusal of a request head (no HTTP/2 error of its own). */
    static boolean refusedHead(Throwable cause) {
        return cause instanceof DecoderException && http2Error(cause) == null;
    }

    /** The code to reset an HTTP/2 stream with after {@code cause}. */
    static Http2Error resetCode(Throwable cause) {
        Http2Error http2 = http2Error(cause);
        if (http2 != null) {
            return http2;
        }
        return cause instanceof DecoderException ? Http2Error.PROTOCOL_ERROR : Http2Error.INTERNAL_ERROR;
    }

    private static Http2Error http2Error(Throwable cause) {
        Throwable at = cause;
        for (int depth = 0; at != null && depth < 8; depth++, at = at.getCause()) {
            if (at instanceof Http2Exception http2) {
                return http2.error();
            }
        }
        return null;
    }
}
