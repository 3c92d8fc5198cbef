package org.patgate.server.dataplane.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;

/**
 * Writes a space in the query of an HTTP/2 {@code :path} as {@code %20} before Netty converts the
 * stream to HTTP/1.1, whose request line cannot hold a space (the conversion would reset the stream).
 * The query sent upstream is the same either way: a space there is forwarded as {@code %20}, as on
 * the Jetty plane. A space before the query is left alone and refused. Stateless, shared.
 */
@ChannelHandler.Sharable
final class Http2QuerySpaces extends ChannelInboundHandlerAdapter {

    static final Http2QuerySpaces INSTANCE = new Http2QuerySpaces();

    private Http2QuerySpaces() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame frame) {
            Http2Headers headers = frame.headers();
            CharSequence path = headers.path();
            String encoded = path == null ? null : encodeQuerySpaces(path.toString());
            if (encoded != null) {
                headers.path(encoded);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The path with its query's spaces as {@code %20}, or null when there is nothing to change. */
    static String encodeQuerySpaces(String path) {
        int query = path.indexOf('?');
        if (query < 0 || path.indexOf(' ', query) < 0) {
            return null;
        }
        return path.substring(0, query) + path.substring(query).replace(" ", "%20");
    }
}
