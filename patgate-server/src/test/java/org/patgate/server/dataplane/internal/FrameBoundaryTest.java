package org.patgate.server.dataplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frame boundaries are found in byte streams that Netty's own WebSocket encoder wrote (masked as a
 * client's, unmasked as a server's; payloads of every length encoding), however the stream is cut into
 * reads; a stream of no frames is given up on; the close frame made is one Netty's decoder reads as
 * 1008 with the reason, masked or not.
 */
class FrameBoundaryTest {

    private static byte[] encoded(boolean masked, List<WebSocketFrame> frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(masked));
        frames.forEach(channel::writeOutbound);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf piece; (piece = channel.readOutbound()) != null; ) {
            all.writeBytes(piece);
            piece.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        all.release();
        return bytes;
    }

    private static List<WebSocketFrame> frames(Random random) {
        List<WebSocketFrame> frames = new ArrayList<>();
        for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            frames.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
            frames.add(new TextWebSocketFrame("after " + length));
        }
        return frames;
    }

    @Test
    void boundariesAreFoundWhereverTheStreamIsCut() {
        Random random = new Random(6455);
        for (boolean masked : new boolean[] {true, false}) {
            List<WebSocketFrame> frames = frames(random);
            List<Integer> ends = new ArrayList<>();
            int total = 0;
            for (WebSocketFrame frame : frames) {
                total += encoded(masked, List.of(frame.retainedDuplicate())).length;
                ends.add(total);
            }
            byte[] stream = encoded(masked, frames);
            assertThat(stream).hasSize(total);
            for (int cut : new int[] {1, 2, 3, 7, 1000, stream.length}) {
                FrameBoundary boundary = new FrameBoundary();
                assertThat(boundary.atBoundary()).isTrue();
                for (int at = 0; at < stream.length; at += cut) {
                    int end = Math.min(stream.length, at + cut);
                    ByteBuf piece = Unpooled.wrappedBuffer(stream, at, end - at);
                    boundary.saw(piece);
                    assertThat(piece.readableBytes()).as("not consumed").isEqualTo(end - at);
                    assertThat(boundary.atBoundary())
                            .as("masked %s, cut %d, after %d bytes", masked, cut, end)
                            .isEqualTo(ends.contains(end));
                }
            }
        }
    }

    @Test
    void bytesThatAreNoFramesMakeItGiveUpForGood() {
        FrameBoundary boundary = new FrameBoundary();
        // A 64-bit length with the top bit set is no frame.
        boundary.saw(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(boundary.atBoundary()).isFalse();
        boundary.saw(Unpooled.wrappedBuffer(encoded(false, List.of(new TextWebSocketFrame("x")))));
        assertThat(boundary.atBoundary()).isFalse();

        FrameBoundary lost = new FrameBoundary();
        lost.lose();
        assertThat(lost.atBoundary()).isFalse();
    }

    @Test
    void thePolicyCloseIsAValidCloseFrameMaskedOrNot() {
        for (boolean masked : new boolean[] {true, false}) {
            CloseWebSocketFrame close =
                    decoded(FrameBoundary.policyClose("the token has been revoked", masked), masked);
            assertThat(close.statusCode()).isEqualTo(1008);
            assertThat(close.reasonText()).isEqualTo("the token has been revoked");
            close.release();

            CloseWebSocketFrame shortened = decoded(FrameBoundary.policyClose("é".repeat(100), masked), masked);
            assertThat(shortened.statusCode()).isEqualTo(1008);
            assertThat(shortened.reasonText()).isEqualTo("policy violation");
            shortened.release();
        }
    }

    /** What a peer's decoder (the server's for masked frames, the client's otherwise) reads. */
    private static CloseWebSocketFrame decoded(ByteBuf frame, boolean masked) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(masked)
                .allowMaskMismatch(false)
                .build()));
        channel.writeInbound(frame);
        CloseWebSocketFrame close = channel.readInbound();
        assertThat(close).isNotNull();
        return close;
    }
}
