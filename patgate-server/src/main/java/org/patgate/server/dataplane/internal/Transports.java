package org.patgate.server.dataplane.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.ListenConfig;

/**
 * Netty's I/O for {@code listen.transport}: the event loop group and the channel classes of one
 * transport. {@code auto} takes io_uring, else epoll, else the JDK's NIO, the first this machine
 * supports; a transport named explicitly that is not available fails the start with the key's name.
 * Immutable.
 */
public record Transports(
        String name,
        IoHandlerFactory handlers,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel) {

    public static Transports choose(ListenConfig.Transport wanted) {
        return switch (wanted) {
            case AUTO -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw unavailable(wanted, IoUring.unavailabilityCause());
                }
                yield ioUring();
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw unavailable(wanted, Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case NIO -> nio();
        };
    }

    /** A group of {@code threads} event loops of this transport, named after it. */
    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("patgate-" + name, true), handlers);
    }

    private static Transports ioUring() {
        return new Transports(
                "io_uring",
                IoUringIoHandler.newFactory(),
                IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    private static Transports epoll() {
        return new Transports(
                "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    private static Transports nio() {
        return new Transports("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static ConfigException unavailable(ListenConfig.Transport wanted, Throwable cause) {
        return new ConfigException("listen.transport: " + wanted.spelling() + " is not available on this machine ("
                + (cause == null ? "unknown reason" : cause.getMessage()) + "); use auto or nio");
    }
}
