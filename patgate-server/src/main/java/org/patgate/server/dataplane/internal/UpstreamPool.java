package org.patgate.server.dataplane.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.patgate.server.dataplane.tls.UpstreamTls;

/**
 * Keep-alive connections to the upstream, pooled per event loop: a client connection only ever
 * takes a connection of its own event loop, so an exchange never crosses threads. At most {@code
 * maxConnections} are open in all (an idle one elsewhere is closed to make room). A connection that
 * sits idle longer than the read timeout, or that the upstream closes or writes to while idle, is
 * dropped. Thread-safe; each loop's idle list is touched on that loop only.
 */
public final class UpstreamPool {

    private final Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final int maxConnections;
    private final Duration readTimeout;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    /**
     * @param ssl the client TLS context for an https upstream, else null
     */
    public UpstreamPool(
            Class<? extends SocketChannel> channelType,
            String host,
            int port,
            SslContext ssl,
            Duration connectTimeout,
            Duration readTimeout,
            int maxHeaderSize,
            int maxConnections) {
        this.host = host;
        this.port = port;
        this.maxConnections = maxConnections;
        this.readTimeout = readTimeout;
        this.bootstrap = new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (ssl != null) {
                            // Host name verification and SNI: the upstream must prove it is upstream.url's host.
                            channel.pipeline().addLast(UpstreamTls.newHandler(ssl, channel.alloc(), host, port));
                        }
                        channel.pipeline()
                                .addLast(new HttpClientCodec(
                                        StrictRequestDecoder.config(8192, maxHeaderSize, 64 * 1024), false, true))
                                .addLast(new IdleStateHandler(0, 0, readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new UpstreamHandler());
                    }
                });
    }

    /** A pooled connection; {@code reused} when it served an exchange before. */
    record Lease(Channel channel, boolean reused) {}

    /** Completes with a connection on {@code loop}: an idle one, else a new one. */
    void acquire(EventLoop loop, java.util.function.BiConsumer<Lease, Throwable> then) {
        ArrayDeque<Channel> free = idle.computeIfAbsent(loop, key -> new ArrayDeque<>());
        for (Channel channel; (channel = free.pollLast()) != null; ) {
            if (channel.isActive()) {
                then.accept(new Lease(channel, true), null);
                return;
            }
        }
        connect(loop, then);
    }

    /** A new connection on {@code loop}, never a pooled one (for the retry of a stale one). */
    void connect(EventLoop loop, java.util.function.BiConsumer<Lease, Throwable> then) {
        if (open.get() >= maxConnections) {
            evictOne();
        }
        ChannelFuture connecting = bootstrap.clone(loop).connect(host, port);
        Channel channel = connecting.channel();
        open.incrementAndGet();
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                then.accept(new Lease(channel, false), null);
            } else {
                channel.close();
                then.accept(null, done.cause());
            }
        });
    }

    /** Gives a connection back after a complete exchange that left it reusable. */
    void release(Channel channel) {
        UpstreamHandler.of(channel).listener(null);
        if (!channel.isActive()) {
            return;
        }
        idle.computeIfAbsent(channel.eventLoop(), key -> new ArrayDeque<>()).addLast(channel);
    }

    /** Closes an idle connection somewhere, on its own loop, to stay within the limit. */
    private void evictOne() {
        for (Map.Entry<EventLoop, ArrayDeque<Channel>> entry : idle.entrySet()) {
            entry.getKey().execute(() -> {
                Channel oldest = entry.getValue().pollFirst();
                if (oldest != null) {
                    oldest.close();
                }
            });
            return;
        }
    }

    /** How long a connection may see nothing either way ({@code upstream.readTimeout}): also a WebSocket's. */
    Duration idleTimeout() {
        return readTimeout;
    }

    /** How many upstream connections are open, for health. */
    public int open() {
        return open.get();
    }
}
