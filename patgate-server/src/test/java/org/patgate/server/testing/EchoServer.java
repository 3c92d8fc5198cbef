package org.patgate.server.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.patgate.server.dataplane.proxyprotocol.ProxiedClient;

/**
 * A tiny Netty server on a loopback ephemeral port, for the pieces at the front of the data
 * plane's pipeline: {@code front} installs them (a PROXY protocol front, a TLS handler), and after
 * them every line received is answered with the line and the client address the connection
 * believes: {@code hello from 203.0.113.7:4711} (plus {@code tls-at-proxy} when a PROXY header said
 * so). Lines received are kept for assertions.
 */
public final class EchoServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private EchoServer(Consumer<Channel> front) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        front.accept(channel);
                        channel.pipeline()
                                .addLast(new LineBasedFrameDecoder(4096))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new StringEncoder(StandardCharsets.UTF_8))
                                .addLast(new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        received.add(line);
                                        InetSocketAddress client = ProxiedClient.address(ctx.channel());
                                        ctx.writeAndFlush(line + " from "
                                                + client.getAddress().getHostAddress()
                                                + ":" + client.getPort()
                                                + (ProxiedClient.tlsAtProxy(ctx.channel()) ? " tls-at-proxy" : "")
                                                + "\n");
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** Starts a server whose connections get {@code front}'s handlers first. */
    public static EchoServer start(Consumer<Channel> front) {
        return new EchoServer(front);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every line the echo handler received, on every connection. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
