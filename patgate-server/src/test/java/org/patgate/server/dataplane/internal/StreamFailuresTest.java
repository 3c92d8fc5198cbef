package org.patgate.server.dataplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A failed HTTP/2 stream is reset with the code its failure calls for (RFC 9113 §5.4.2, §8.1.1), never
 * {@code CANCEL}: an HTTP/2 error's own code, however deeply wrapped; {@code PROTOCOL_ERROR} for a
 * malformed message; {@code INTERNAL_ERROR} for anything else. Only the conversion's refusal of a head
 * (a decoder failure without an HTTP/2 error) is answered 400 instead.
 */
class StreamFailuresTest {

    @Test
    void eachFailureGetsItsCode() {
        Http2Exception flow = Http2Exception.streamError(3, Http2Error.FLOW_CONTROL_ERROR, "window");
        assertThat(StreamFailures.resetCode(flow)).isEqualTo(Http2Error.FLOW_CONTROL_ERROR);
        assertThat(StreamFailures.resetCode(new DecoderException(new RuntimeException(flow))))
                .isEqualTo(Http2Error.FLOW_CONTROL_ERROR);
        assertThat(StreamFailures.resetCode(new DecoderException(new IllegalArgumentException("bad trailer"))))
                .isEqualTo(Http2Error.PROTOCOL_ERROR);
        assertThat(StreamFailures.resetCode(new IOException("gone"))).isEqualTo(Http2Error.INTERNAL_ERROR);
        assertThat(StreamFailures.resetCode(new IllegalStateException("bug"))).isEqualTo(Http2Error.INTERNAL_ERROR);
    }

    @Test
    void onlyAConversionRefusalIsAnsweredAsARefusedHead() {
        assertThat(StreamFailures.refusedHead(
                        new DecoderException(new IllegalArgumentException("The URI contain illegal characters"))))
                .isTrue();
        assertThat(StreamFailures.refusedHead(
                        new DecoderException(Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR, "x"))))
                .isFalse();
        assertThat(StreamFailures.refusedHead(new IllegalStateException("bug"))).isFalse();
    }
}
