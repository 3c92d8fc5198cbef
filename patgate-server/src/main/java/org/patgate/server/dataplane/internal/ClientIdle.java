package org.patgate.server.dataplane.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client connection's idle timer: nothing read and no answer finished for {@code clientIdle}. As
 * Netty's {@link IdleStateHandler} with an all-idle time, but a write with a void promise (the head
 * and the middle pieces of an answer) is not watched: watching one costs a promise and a listener
 * per write, and only the end of an answer starts the idle time between requests ({@link
 * ClientConnection} writes that with a promise, and ignores the timer while an exchange runs). On the
 * connection's event loop.
 */
public final class ClientIdle extends IdleStateHandler {

    public ClientIdle(Duration clientIdle) {
        super(0, 0, clientIdle.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (promise.isVoid()) {
            ctx.write(msg, promise);
        } else {
            super.write(ctx, msg, promise);
        }
    }
}
