package org.patgate.server.dataplane.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A TLS client connection over loopback, for tests: connects, waits (bounded) for the handshake,
 * then tells what was negotiated and exchanges lines with an {@code EchoServer}.
 */
final class TlsClient implements AutoCloseable {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final Channel channel;
    private final SslHandler ssl;
    private final Throwable failure;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private TlsClient(SslContext context, String host, int port, String peerName) throws InterruptedException {
        SslHandler[] handler = new SslHandler[1];
        channel = new Bootstrap()
                .group(GROUP)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        handler[0] = context.newHandler(ch.alloc(), peerName, port);
                        ch.pipeline()
                                .addLast(handler[0])
                                .addLast(new LineBasedFrameDecoder(4096))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new StringEncoder(StandardCharsets.UTF_8))
                                .addLast(new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        lines.add(line);
                                    }
                                });
                    }
                })
                .connect(host, port)
                .sync()
                .channel();
        ssl = handler[0];
        Future<Channel> handshake = ssl.handshakeFuture();
        if (!handshake.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no handshake result within 10 s");
        }
        failure = handshake.cause();
    }

    /** Connects to {@code 127.0.0.1:port}, naming the server {@code localhost}. */
    static TlsClient connect(SslContext context, int port) throws InterruptedException {
        return new TlsClient(context, "127.0.0.1", port, "localhost");
    }

    /** Connects to {@code 127.0.0.1:port}, naming the server {@code peerName} (SNI and host name check). */
    static TlsClient connect(SslContext context, int port, String peerName) throws InterruptedException {
        return new TlsClient(context, "127.0.0.1", port, peerName);
    }

    boolean handshakeSucceeded() {
        return failure == null;
    }

    /** Why the handshake failed; null when it succeeded. */
    Throwable failure() {
        return failure;
    }

    String protocol() {
        return ssl.engine().getSession().getProtocol();
    }

    /** The ALPN protocol; null when none was agreed. */
    String applicationProtocol() {
        return ssl.applicationProtocol();
    }

    X509Certificate peerCertificate() throws SSLPeerUnverifiedException {
        return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
    }

    /** Sends a line and waits (at most 10 s) for the answer; null when none came. */
    String exchange(String line) throws InterruptedException {
        channel.writeAndFlush(line + "\n");
        return lines.poll(10, TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
