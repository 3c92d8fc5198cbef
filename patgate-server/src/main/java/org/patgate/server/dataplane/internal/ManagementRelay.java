package org.patgate.server.dataplane.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.patgate.server.gateway.RequestTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays PATgate's own paths ({@code /.patgate/…}) to PATgate's server behind the data plane, over
 * its Unix domain socket: one connection per client connection, opened at the first such request,
 * starting with a PROXY protocol v2 header that names the client's address and port and the local
 * ones (so that server's address checks, throttles and audit see the real client). Requests go as
 * they came, answers come back as they are, streamed both ways with back-pressure. The client side
 * runs on the client's event loop; the relay connection's events are handed over to it.
 */
final class ManagementRelay implements Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementRelay.class);

    private final ClientConnection connection;
    private final PlaneContext plane;
    private Channel relay;
    private boolean answerStarted;
    /** The server keeps the relay connection open after this answer. */
    private boolean serverKeepAlive;

    private boolean requestSent;
    private boolean active;
    private boolean interim;
    private boolean headSent;
    /** Body pieces that arrived while the connection to the server was being opened. */
    private final List<HttpContent> pending = new ArrayList<>();
    /** Exchanges begun on new relay connections; a connection opened for an earlier one is not used. */
    private long exchanges;
    /** The head of the request in progress, kept to send it once more (see {@link #failed}). */
    private HttpRequest head;

    private boolean headHasBody;
    /** The request in progress went on a connection an earlier request had used. */
    private boolean reusedConnection;

    private boolean resent;

    ManagementRelay(ClientConnection connection, PlaneContext plane) {
        this.connection = connection;
        this.plane = plane;
    }

    void start(HttpRequest received) {
        // The head alone: a body (HTTP/2's whole requests carry theirs) follows as body pieces.
        HttpRequest request = received instanceof FullHttpRequest
                ? new DefaultHttpRequest(
                        received.protocolVersion(), received.method(), received.uri(), received.headers())
                : received;
        String refused = refusedTarget(request.uri());
        if (refused != null) {
            // Refused here: Jetty refuses such a target with a 400 and then closes the connection without
            // saying so, which a next request on it would race.
            connection.answer(Answers.problem(400, refused, null), true);
            return;
        }
        HopByHop.stripRelayed(request.headers());
        active = true;
        answerStarted = false;
        requestSent = false;
        headSent = false;
        serverKeepAlive = false;
        boolean hasBody = Requests.hasBody(request);
        head = request;
        headHasBody = hasBody;
        resent = false;
        reusedConnection = relay != null && relay.isActive();
        if (reusedConnection) {
            sendHead(request, hasBody);
            return;
        }
        retireRelay(); // closed by the server: what it still reports is about an earlier request
        connect(request, hasBody);
    }

    /**
     * Why PATgate's own server would refuse {@code target} before reading the request (an ambiguous
     * target, or a control character encoded in its path), or null.
     */
    static String refusedTarget(String target) {
        String violation = RequestTargets.violation(target);
        if (violation != null) {
            return violation;
        }
        int end = target.indexOf('?');
        end = end < 0 ? target.length() : end;
        for (int i = target.indexOf('%'); i >= 0 && i + 2 < end; i = target.indexOf('%', i + 1)) {
            int value = Character.digit(target.charAt(i + 1), 16) * 16 + Character.digit(target.charAt(i + 2), 16);
            if (value >= 0 && (value < 0x20 || value == 0x7f)) {
                return "the request path holds an encoded control character";
            }
        }
        return null;
    }

    /** Opens a new relay connection and sends the head (and what came of the body meanwhile) on it. */
    private void connect(HttpRequest request, boolean hasBody) {
        long opening = ++exchanges;
        Bootstrap bootstrap = new Bootstrap()
                .group(plane.managementLoops())
                .channel(NioDomainSocketChannel.class)
                // The server may answer and close before it has read the whole body (a refused target):
                // a failed write then shuts the output only, so the answer can still be read.
                .option(ChannelOption.AUTO_CLOSE, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(HAProxyMessageEncoder.INSTANCE)
                                .addLast(new HttpClientCodec())
                                .addLast(new FromServer());
                    }
                });
        bootstrap
                .connect(UnixDomainSocketAddress.of(plane.managementSocket()))
                .addListener(done -> connection.loop().execute(() -> {
                    if (opening != exchanges || relay != null) {
                        // Opened for an exchange that ended (the client went away) before it was.
                        if (done.isSuccess()) {
                            ((io.netty.channel.ChannelFuture) done).channel().close();
                        }
                        return;
                    }
                    if (!done.isSuccess()) {
                        pending.forEach(HttpContent::release);
                        pending.clear();
                        LOG.warn(
                                "PATgate's own server is not reachable on its socket: {}",
                                done.cause().toString());
                        if (active) {
                            active = false;
                            connection.answer(Answers.problem(503, null, Requests.rawPath(request.uri())), true);
                        }
                        return;
                    }
                    relay = ((io.netty.channel.ChannelFuture) done).channel();
                    if (!active) {
                        relay.close();
                        return;
                    }
                    relay.write(proxyHeader(), relay.voidPromise());
                    sendHead(request, hasBody);
                }));
    }

    private void sendHead(HttpRequest request, boolean hasBody) {
        relay.config().setAutoRead(connection.clientWritable());
        relay.write(request, relay.voidPromise());
        headSent = true;
        boolean last = !hasBody;
        for (HttpContent piece : pending) {
            last = piece instanceof LastHttpContent;
            relay.write(piece, relay.voidPromise());
        }
        pending.clear();
        relay.flush();
        requestSent = last;
        if (!last) {
            askClient();
        }
    }

    private HAProxyMessage proxyHeader() {
        InetSocketAddress client = ListenerFront.client(connection.channel());
        InetSocketAddress local = (InetSocketAddress) connection.channel().localAddress();
        boolean v6 = client.getAddress() instanceof Inet6Address;
        return new HAProxyMessage(
                HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY,
                v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
                client.getAddress().getHostAddress(),
                v6 == local.getAddress() instanceof Inet6Address
                        ? local.getAddress().getHostAddress()
                        : (v6 ? "::" : "0.0.0.0"),
                client.getPort(),
                local.getPort(),
                // PP2_TYPE_SSL with PP2_CLIENT_SSL: Jetty then treats the request as secure (cookie flags).
                ListenerFront.secure(connection.channel())
                        ? List.of(new HAProxySSLTLV(0, (byte) 0x01, List.of()))
                        : List.of());
    }

    private void askClient() {
        if (relay.isWritable()) {
            connection.readMore();
        }
    }

    @Override
    public void content(HttpContent content) {
        if (!active) {
            content.release();
            return;
        }
        if (!headSent) {
            pending.add(content); // the connection to the server is still being opened
            return;
        }
        relay.writeAndFlush(content, relay.voidPromise());
        if (content instanceof LastHttpContent) {
            requestSent = true;
        } else {
            askClient();
        }
    }

    /** Runs on the client's event loop: what the server answered on {@code from}. */
    private void fromServer(Channel from, HttpObject part) {
        if (!active || from != relay) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(part);
            failed();
            return;
        }
        if (part instanceof HttpResponse response) {
            if (response.status().code() < 200) {
                interim = true; // 100 Continue: its end is not the answer's
            } else {
                answerStarted = true;
                serverKeepAlive = HttpUtil.isKeepAlive(response);
                // How the relay connection goes on is not the client's business: whether the client's
                // connection stays open is the client connection's to decide (and to say).
                response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE);
            }
        }
        connection.answers().write(part);
        if (part instanceof LastHttpContent && interim) {
            interim = false;
        } else if (part instanceof LastHttpContent) {
            active = false;
            if (!serverKeepAlive || !requestSent) {
                // The server closes, or answered before the whole body was sent: the relay connection's
                // state is unknown, so it is not reused; the client's rest of the body is read and dropped.
                retireRelay();
            }
            connection.finished(true, true);
        }
    }

    /** Closes the relay connection; the next request opens a new one. */
    private void retireRelay() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    /** The relay connection ended, or answered what cannot be read. */
    private void failed() {
        retireRelay();
        if (!active) {
            return;
        }
        if (!answerStarted && reusedConnection && !headHasBody && !resent) {
            // The server closed a kept-alive connection as this request went out on it (it does so after
            // some answers that did not say so, e.g. to a target its parser refused): nothing came back
            // and no body went, so the request goes once more, on a new connection.
            resent = true;
            reusedConnection = false;
            connect(head, false);
            return;
        }
        active = false;
        if (answerStarted) {
            connection.close();
        } else {
            connection.answer(Answers.problem(502, null, null), false);
        }
    }

    @Override
    public void clientWritable(boolean writable) {
        if (relay != null) {
            relay.config().setAutoRead(writable);
        }
    }

    @Override
    public void abort() {
        active = false;
        pending.forEach(HttpContent::release);
        pending.clear();
        close();
    }

    /** The client connection is over: so is the relay connection. */
    void close() {
        if (relay != null) {
            relay.close();
        }
    }

    /** The relay connection's last handler, on the management event loop: hands everything over. */
    private final class FromServer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpObject part) {
                Channel from = ctx.channel();
                connection.loop().execute(() -> fromServer(from, part));
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                connection.loop().execute(() -> {
                    if (active && !requestSent) {
                        askClient();
                    }
                });
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel from = ctx.channel();
            connection.loop().execute(() -> {
                if (from == relay) {
                    failed(); // a relay connection retired earlier ends without failing a later request
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("relay connection failed: {}", cause.toString());
            if (!(cause instanceof IOException)) {
                ctx.close(); // an I/O error closed it already, or (writing) shut its output only
            }
        }
    }
}
