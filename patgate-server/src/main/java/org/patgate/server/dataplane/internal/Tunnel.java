package org.patgate.server.dataplane.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.patgate.server.gateway.GatewayDecision;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.OpenUpgrades;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket after the upstream's {@code 101 Switching Protocols}: the client connection and the
 * upstream connection opened for it relay raw bytes both ways, their HTTP handlers gone, so the
 * client connection never reads another request. Each side is read only while the other takes what
 * was read (back-pressure). A side that stops sending (half-close) ends the other's output once all
 * its bytes went out; when both have stopped, when either closes or fails, or when nothing moved
 * either way for the upstream connection's idle timeout ({@code upstream.readTimeout}), both close.
 * The upstream connection is never pooled again. Both connections live on one event loop.
 *
 * <p>While open it is watched by {@link OpenUpgrades}: once its upgrade request would be refused, it
 * ends with a close frame {@code 1008} (policy violation) to each side that is between two frames
 * (a raw close for a side in the middle of one).
 */
final class Tunnel {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);

    private final End client;
    private final End upstream;
    private final Runnable ended;
    private final Duration closeGrace;
    private boolean closed;
    private OpenUpgrades.Watch watch;

    private Tunnel(Channel clientChannel, Channel upstreamChannel, Runnable ended, Duration closeGrace) {
        this.client = new End(clientChannel);
        this.upstream = new End(upstreamChannel);
        client.peer = upstream;
        upstream.peer = client;
        this.ended = ended;
        this.closeGrace = closeGrace;
    }

    /**
     * Turns both connections into the tunnel. The {@code 101} was already written to the client.
     * Bytes either side sent beyond its HTTP message are relayed first.
     *
     * @param ended    runs once when the tunnel is over (both sides closing)
     * @param idle     how long the upstream connection may see nothing either way (its idle handler)
     * @param upgrades watches the tunnel while it is open
     * @param opened   the verdict on the upgrade request, decided again while the tunnel is open
     */
    static void open(
            Channel clientChannel,
            Channel upstreamChannel,
            Runnable ended,
            Duration idle,
            OpenUpgrades upgrades,
            GatewayGate.Verdict opened) {
        Tunnel tunnel = new Tunnel(clientChannel, upstreamChannel, ended, idle);
        upstreamChannel.config().setAutoRead(false);
        upstreamChannel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline up = upstreamChannel.pipeline();
        up.replace(UpstreamHandler.class, "tunnel", tunnel.upstream);
        up.remove(HttpClientCodec.class); // what it held beyond the 101 goes on as bytes

        ChannelPipeline down = clientChannel.pipeline();
        down.addLast("tunnel", tunnel.client);
        // One idle limit for the tunnel: the upstream connection's, which sees traffic both ways.
        IdleStateHandler clientIdle = down.get(IdleStateHandler.class);
        if (clientIdle != null) {
            down.remove(clientIdle);
        }
        // The HTTP/1.1 handlers go, the decoder last: what it held beyond the request goes on as bytes.
        for (Class<? extends ChannelHandler> http : List.of(
                ClientConnection.class, ExplicitReads.class, ResponseEncoder.class, StrictRequestDecoder.class)) {
            if (down.get(http) != null) {
                down.remove(http);
            }
        }
        tunnel.client.start();
        tunnel.upstream.start();
        if (!tunnel.closed) {
            tunnel.watch =
                    upgrades.watch(opened, refusal -> clientChannel.eventLoop().execute(() -> tunnel.refused(refusal)));
        }
    }

    /**
     * The {@code 101} for the client, from the upstream's: its hop-by-hop fields removed (RFC 9110
     * §7.6.1) but for the two the switch needs; {@code Sec-WebSocket-*} and the rest as they came.
     */
    static FullHttpResponse switchingAnswer(HttpResponse upstream) {
        HttpHeaders headers = upstream.headers().copy();
        HopByHop.strip(headers);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        return new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS,
                Unpooled.EMPTY_BUFFER,
                headers,
                EmptyHttpHeaders.INSTANCE);
    }

    /**
     * The upgrade request would now be refused: each side between two frames gets a close frame
     * {@code 1008} with the refusal's reason, then both close.
     */
    private void refused(GatewayDecision.Refuse refusal) {
        if (closed) {
            return;
        }
        if (upstream.frames.atBoundary()) {
            client.channel.write(FrameBoundary.policyClose(refusal.detail(), false), client.channel.voidPromise());
        }
        if (client.frames.atBoundary()) {
            upstream.channel.write(FrameBoundary.policyClose(refusal.detail(), true), upstream.channel.voidPromise());
        }
        close();
    }

    /** Ends the tunnel: each side closes once what it was given went out (or after a grace). */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watch != null) {
            watch.end();
        }
        client.closeAfterWrites();
        upstream.closeAfterWrites();
        ended.run();
    }

    /** One side of the tunnel: the last handler of its connection. */
    private final class End extends ChannelInboundHandlerAdapter {

        private final Channel channel;
        private End peer;
        /** Read before the other side was ready (bytes beyond the HTTP message). */
        private final List<Object> early = new ArrayList<>();
        /** Where the frames this side sends begin: a close frame of PATgate's may go only there. */
        private final FrameBoundary frames = new FrameBoundary();

        private boolean started;
        private boolean inputShut;
        private boolean waitingForPeer;

        End(Channel channel) {
            this.channel = channel;
        }

        void start() {
            started = true;
            if (!early.isEmpty()) {
                early.forEach(bytes -> peer.channel.write(bytes, peer.channel.voidPromise()));
                early.clear();
                peer.channel.flush();
            }
            if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
                inputShut(); // it stopped sending before the switch
            } else {
                readWhenPeerTakes();
            }
        }

        private void inputShut() {
            if (inputShut) {
                return;
            }
            inputShut = true;
            if (peer.inputShut) {
                close();
            } else {
                peer.shutdownOutputAfterWrites();
            }
        }

        private void readWhenPeerTakes() {
            if (closed || inputShut) {
                return;
            }
            if (peer.channel.isWritable()) {
                waitingForPeer = false;
                channel.read();
            } else {
                waitingForPeer = true;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof ByteBuf bytes) {
                frames.saw(bytes);
            } else {
                frames.lose();
            }
            if (!started) {
                early.add(msg);
            } else {
                peer.channel.write(msg, peer.channel.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (started && !closed) {
                peer.channel.flush();
                readWhenPeerTakes();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable() && peer.waitingForPeer) {
                peer.readWhenPeerTakes();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (started) {
                    inputShut();
                }
            } else if (evt instanceof IdleStateEvent) {
                if (closed) {
                    channel.close(); // still not written out after the idle time: give up on it
                } else {
                    LOG.debug("closing an idle WebSocket");
                    close();
                }
            } else {
                ReferenceCountUtil.release(evt);
            }
        }

        /** Half-close: the other side sends no more, so neither does this one once its bytes are out. */
        private void shutdownOutputAfterWrites() {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(done -> {
                SslHandler tls = channel.pipeline().get(SslHandler.class);
                if (tls != null) {
                    tls.closeOutbound(); // close_notify: TLS has no half-close of its own
                } else if (channel instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                } else {
                    close();
                }
            });
        }

        private void closeAfterWrites() {
            if (!channel.isActive()) {
                return;
            }
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            // A side that takes nothing more is not waited for beyond the idle time.
            ScheduledFuture<?> giveUp =
                    channel.eventLoop().schedule(() -> channel.close(), closeGrace.toMillis(), TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(done -> giveUp.cancel(false));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("WebSocket connection failed: {}", cause.toString());
            channel.close();
            close();
        }
    }
}
