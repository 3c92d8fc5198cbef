package org.patgate.server.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket echo server (RFC 6455, Netty's server handshake and framing) on a loopback ephemeral
 * port, standing in for a product behind the gateway: it records the head of every HTTP request it
 * receives (the upgrade, with its headers), echoes every text and binary message, answers the close
 * handshake, and counts the TCP connections it accepted and saw closed. {@link #refuseWith} makes it
 * answer upgrades with a plain HTTP answer instead (keep-alive, so a proxy could reuse the connection).
 */
public final class WebSocketUpstream implements AutoCloseable {

    /** One HTTP request head as received on connection number {@code connection}: headers with lower-case names. */
    public record Head(int connection, String method, String uri, Map<String, List<String>> headers) {
        public List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private static final int MAX_MESSAGE = 4 << 20;

    private final EventLoopGroup group;
    private final Channel server;
    private final List<Head> received = new CopyOnWriteArrayList<>();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Void>> closings = new ConcurrentHashMap<>();
    private static final AttributeKey<Integer> NUMBER = AttributeKey.valueOf("websocket-upstream-connection");
    private volatile int refusal;

    public WebSocketUpstream() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        int number = accepted.incrementAndGet();
                        channel.attr(NUMBER).set(number);
                        CompletableFuture<Void> closing = closing(number);
                        channel.closeFuture().addListener(closed -> closing.complete(null));
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(new Heads())
                                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/")
                                        .checkStartsWith(true)
                                        .maxFramePayloadLength(MAX_MESSAGE)
                                        .build()))
                                .addLast(new WebSocketFrameAggregator(MAX_MESSAGE))
                                .addLast(new Echo());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    public String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** From now on, upgrades get this status (with a short text body) and no switch; 0 to accept again. */
    public void refuseWith(int status) {
        this.refusal = status;
    }

    /** Every request head received, upgrades included, in order. */
    public List<Head> received() {
        return List.copyOf(received);
    }

    /** Every text message echoed, in order. */
    public List<String> texts() {
        return List.copyOf(texts);
    }

    /** TCP connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private CompletableFuture<Void> closing(int connection) {
        return closings.computeIfAbsent(connection, number -> new CompletableFuture<>());
    }

    /** Waits (at most {@code seconds}) until the connection {@code head} came on has closed; whether it did. */
    public boolean awaitClosed(Head head, long seconds) throws InterruptedException {
        try {
            closing(head.connection()).get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets what was received. */
    public void clear() {
        received.clear();
        texts.clear();
    }

    /** Records each request head; answers it itself while refusing upgrades. */
    private final class Heads extends SimpleChannelInboundHandler<FullHttpRequest> {
        Heads() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            request.headers()
                    .forEach(field -> headers.computeIfAbsent(
                                    field.getKey().toLowerCase(Locale.ROOT), key -> new ArrayList<>())
                            .add(field.getValue()));
            received.add(
                    new Head(ctx.channel().attr(NUMBER).get(), request.method().name(), request.uri(), headers));
            int status = refusal;
            boolean upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
            if (status == 0 && upgrade) {
                ctx.fireChannelRead(request); // the handshake
                return;
            }
            request.release();
            byte[] body = (upgrade ? "no WebSocket here" : "plain answer").getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse answer = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status == 0 ? 200 : status),
                    Unpooled.wrappedBuffer(body));
            answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(answer);
        }
    }

    /** Sends every message back as it came. */
    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                texts.add(text.text());
                ctx.writeAndFlush(new TextWebSocketFrame(text.text()));
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(binary.content().retain()));
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
