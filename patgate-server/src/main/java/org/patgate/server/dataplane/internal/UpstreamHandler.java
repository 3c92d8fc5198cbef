package org.patgate.server.dataplane.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: passes what the upstream says to the exchange that
 * holds the connection, and closes a pooled (unheld) connection the upstream writes to, closes or
 * lets sit idle past the read timeout. On the connection's event loop.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** What an exchange hears from the connection it holds. */
    interface Listener {
        void upstreamRead(HttpObject part);

        /** One read of the upstream socket was handed over completely. */
        default void upstreamReadComplete() {}

        void upstreamWritable();

        /** The connection closed or failed. */
        void upstreamClosed(Throwable cause);

        /** Nothing moved either way for the read timeout. */
        void upstreamTimedOut();
    }

    private Listener listener;

    static UpstreamHandler of(Channel channel) {
        return channel.pipeline().get(UpstreamHandler.class);
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null && msg instanceof HttpObject part) {
            listener.upstreamRead(part);
        } else {
            // Unasked-for bytes on an idle connection: it cannot be trusted for the next exchange.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null && ctx.channel().isWritable()) {
            listener.upstreamWritable();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (listener != null) {
                listener.upstreamTimedOut();
            } else {
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Listener current = listener;
        listener = null;
        if (current != null) {
            current.upstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Listener current = listener;
        listener = null;
        ctx.close();
        if (current != null) {
            current.upstreamClosed(cause);
        }
    }
}
