package org.patgate.server.dataplane.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One decoded message per {@code read()}: what the decoder produced beyond that (a pipelined
 * request, the rest of one socket read's body) waits here until the handler after it asks again.
 * Auto-read is off, so the socket is read only when nothing is waiting. Netty's {@code
 * FlowControlHandler} does the same but loses a read asked for while it hands a message over (a
 * request body stalled after its second socket read). On the channel's event loop only.
 */
final class ExplicitReads extends ChannelDuplexHandler {

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** A message was asked for and none handed over since. */
    private boolean wanted;

    @Override
    public void read(ChannelHandlerContext ctx) {
        Object next = waiting.poll();
        if (next != null) {
            ctx.fireChannelRead(next);
        } else if (!wanted) {
            wanted = true;
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (wanted) {
            wanted = false;
            ctx.fireChannelRead(msg);
        } else {
            waiting.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Completion of a socket read says nothing to the handler after this one.
    }

    /** Whether a decoded message is waiting to be asked for. */
    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }
}
