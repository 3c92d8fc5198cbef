package org.patgate.server.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.UpstreamConfig;
import org.patgate.server.dataplane.internal.ClientIdle;
import org.patgate.server.dataplane.internal.ListenerFront;
import org.patgate.server.dataplane.internal.PlaneContext;
import org.patgate.server.dataplane.internal.ProtocolSniffer;
import org.patgate.server.dataplane.internal.Transports;
import org.patgate.server.dataplane.internal.UpstreamPool;
import org.patgate.server.dataplane.tls.UpstreamTls;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.OpenUpgrades;

/**
 * The Netty data plane ({@code listen.dataPlane: netty}): listens on {@code listen.host:port},
 * parses HTTP/1.1 strictly, forwards what the {@link GatewayGate} allows to the upstream over pooled
 * keep-alive connections, streaming both ways, and relays PATgate's own paths to its server on a
 * Unix domain socket. Started once, closed once; {@link #close} is graceful and bounded. Thread-safe.
 */
public final class NettyDataPlane implements AutoCloseable {

    /** How long {@link #close} waits for exchanges in progress. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * What the data plane needs from the configuration.
     *
     * @param eventLoops the I/O threads to start
     * @param clientIdle how long an idle client connection stays open between requests
     */
    public record Settings(
            String host,
            int port,
            ListenConfig.Transport transport,
            int eventLoops,
            URI upstream,
            Duration connectTimeout,
            Duration readTimeout,
            LimitsConfig limits,
            int maxInitialLine,
            int maxHeaderSize,
            Duration clientIdle,
            ListenConfig listen,
            List<String> trustedProxies,
            UpstreamConfig upstreamConfig) {

        /** Request line and header block limits, as Jetty's defaults. */
        public static final int MAX_INITIAL_LINE = 8192;

        public static final int MAX_HEADER_SIZE = 8192;

        public static final Duration CLIENT_IDLE = Duration.ofSeconds(30);

        public static Settings from(PatgateConfig config) {
            return new Settings(
                    config.listen().host(),
                    config.listen().port(),
                    config.listen().transport(),
                    config.listen().eventLoops() > 0
                            ? config.listen().eventLoops()
                            : Runtime.getRuntime().availableProcessors(),
                    config.upstream().url(),
                    config.upstream().connectTimeout(),
                    config.upstream().readTimeout(),
                    config.limits(),
                    MAX_INITIAL_LINE,
                    MAX_HEADER_SIZE,
                    CLIENT_IDLE,
                    config.listen(),
                    config.trustedProxies(),
                    config.upstream());
        }
    }

    private final String transport;
    private final EventLoopGroup loops;
    private final EventLoopGroup managementLoops;
    private final Channel server;
    private final PlaneContext plane;
    private final ListenerFront front;

    private NettyDataPlane(
            String transport,
            EventLoopGroup loops,
            EventLoopGroup managementLoops,
            Channel server,
            PlaneContext plane,
            ListenerFront front) {
        this.transport = transport;
        this.loops = loops;
        this.managementLoops = managementLoops;
        this.server = server;
        this.plane = plane;
        this.front = front;
    }

    /**
     * Binds {@code settings.host:port} and starts serving.
     *
     * @param check            answers proxies' check requests on the plane itself
     * @param managementSocket the Unix domain socket of PATgate's own server (health, API, UI, JWKS)
     */
    public static NettyDataPlane start(
            Settings settings, GatewayGate gate, ExternalCheck check, ExchangeBudget budget, Path managementSocket) {
        Transports transports = Transports.choose(settings.transport());
        MultiThreadIoEventLoopGroup loops = transports.newGroup(settings.eventLoops());
        MultiThreadIoEventLoopGroup managementLoops = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("patgate-management-relay", true), NioIoHandler.newFactory());
        OpenUpgrades upgrades = new OpenUpgrades(gate);
        try {
            URI upstream = settings.upstream();
            boolean https = "https".equalsIgnoreCase(upstream.getScheme());
            int port = upstream.getPort() > 0 ? upstream.getPort() : (https ? 443 : 80);
            String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
            UpstreamPool pool = new UpstreamPool(
                    transports.clientChannel(),
                    upstream.getHost(),
                    port,
                    https ? UpstreamTls.context(settings.upstreamConfig()) : null,
                    settings.connectTimeout(),
                    settings.readTimeout(),
                    settings.maxHeaderSize(),
                    settings.limits().upstreamConnections());
            PlaneContext plane = new PlaneContext(
                    gate,
                    budget,
                    pool,
                    managementLoops,
                    managementSocket,
                    path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
                    settings.limits(),
                    settings.clientIdle(),
                    new LongAdder(),
                    check,
                    upgrades);
            ListenerFront front = ListenerFront.start(settings.listen(), settings.trustedProxies(), loops);
            Channel server = new ServerBootstrap()
                    .group(loops)
                    .channel(transports.serverChannel())
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // A client that half-closes after its request still gets the answer.
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            // PROXY protocol header and TLS first: HTTP starts after them.
                            front.install(channel);
                            channel.pipeline()
                                    .addLast(new ClientIdle(settings.clientIdle()))
                                    .addLast(new ProtocolSniffer(
                                            plane, settings.maxInitialLine(), settings.maxHeaderSize()));
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .syncUninterruptibly()
                    .channel();
            return new NettyDataPlane(transports.name(), loops, managementLoops, server, plane, front);
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            managementLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            upgrades.close();
            throw e;
        }
    }

    /** The bound port (the one chosen when {@code listen.port} is 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The I/O in use: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return transport;
    }

    /** The I/O threads serving connections ({@code listen.eventLoops}, or one per CPU core). */
    public int eventLoops() {
        return ((MultiThreadIoEventLoopGroup) loops).executorCount();
    }

    /** The listener's TLS in health (provider, certificate expiry), empty without TLS. */
    public Map<String, Object> tlsHealth() {
        return front.health();
    }

    /** Upstream connections open now, for health. */
    public int upstreamConnections() {
        return plane.pool().open();
    }

    /** Request bodies cut for arriving slower than {@code limits.minRequestBodyRate}, for health. */
    public long slowRequestBodiesCut() {
        return plane.slowBodiesCut().sum();
    }

    /**
     * The WebSockets open now, decided again every {@link OpenUpgrades#EVERY}; call {@link
     * OpenUpgrades#decideAllNow} when tokens, owners or permissions change.
     */
    public OpenUpgrades upgrades() {
        return plane.upgrades();
    }

    /** Stops accepting, lets exchanges in progress finish for at most a few seconds, then stops. */
    @Override
    public void close() {
        plane.upgrades().close();
        server.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        Future<?> stopping = loops.shutdownGracefully(100, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Future<?> stoppingRelay = managementLoops.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stopping.awaitUninterruptibly(CLOSE_WAIT.toMillis() + 1000);
        stoppingRelay.awaitUninterruptibly(1000);
        front.close();
    }
}
