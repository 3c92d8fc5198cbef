package org.patgate.server.dataplane.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * On a connection from a peer that is not a trusted proxy: looks at the first bytes only until they
 * can no longer be a PROXY header, then leaves the pipeline and hands every byte on untouched. A
 * connection that does start with a v1 ({@code PROXY }) or v2 signature is answered
 * {@code 400 Bad Request} (problem+json) and closed: the header is never believed, and never
 * reaches the HTTP parser as a request either. Not sharable: one per connection.
 */
final class ProxyHeaderRefusal extends ByteToMessageDecoder {

    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static final String BODY = "{\"type\":\"/.patgate/problems/invalid-request\",\"title\":\"Bad Request\","
            + "\"status\":400,\"detail\":\"a PROXY protocol header is accepted only from a trusted proxy\"}";
    private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
                    + "Content-Type: application/problem+json\r\n"
                    + "Content-Length: " + BODY.length() + "\r\n"
                    + "Connection: close\r\n"
                    + "\r\n"
                    + BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private boolean refused;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        boolean v1 = startsLike(in, V1);
        boolean v2 = startsLike(in, V2);
        if (!v1 && !v2) {
            // Removing a decoder hands what it holds on to the next handler.
            ctx.pipeline().remove(this);
            return;
        }
        if (v1 && in.readableBytes() >= V1.length || v2 && in.readableBytes() >= V2.length) {
            refused = true;
            in.skipBytes(in.readableBytes());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
            ctx.channel().config().setAutoRead(false);
        }
        // Otherwise a prefix of a signature so far: wait for more.
    }

    /** Whether what has arrived agrees with {@code signature} as far as both go. */
    private static boolean startsLike(ByteBuf in, byte[] signature) {
        int length = Math.min(in.readableBytes(), signature.length);
        for (int i = 0; i < length; i++) {
            if (in.getByte(in.readerIndex() + i) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
