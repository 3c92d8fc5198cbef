package org.patgate.server.dataplane.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Closes an HTTP/2 connection whose client has shut its sending half: at once when no stream is open,
 * else when the last open stream closes. Nothing can arrive any more (no request, no {@code
 * WINDOW_UPDATE}, no {@code SETTINGS} acknowledgement), so the streams already received are answered
 * and the connection is not held open until an idle timeout ends it. One per connection, on its event
 * loop.
 */
final class Http2InputShutdown extends ChannelInboundHandlerAdapter {

    private final Http2Connection connection;
    private boolean shut;

    Http2InputShutdown(Http2Connection connection) {
        this.connection = connection;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && !shut) {
            shut = true;
            if (connection.numActiveStreams() == 0) {
                ctx.close();
            } else {
                connection.addListener(new Http2ConnectionAdapter() {
                    @Override
                    public void onStreamClosed(Http2Stream stream) {
                        if (connection.numActiveStreams() == 0) {
                            ctx.close();
                        }
                    }
                });
            }
        }
        super.userEventTriggered(ctx, evt);
    }
}
