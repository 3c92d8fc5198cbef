package org.patgate.server.dataplane.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.patgate.server.config.ListenConfig;
import org.patgate.server.dataplane.proxyprotocol.ProxiedClient;
import org.patgate.server.dataplane.proxyprotocol.ProxyProtocolFront;
import org.patgate.server.dataplane.tls.ServerTls;
import org.patgate.server.dataplane.tls.TlsEngine;

/**
 * The front of every client connection, before HTTP: the PROXY protocol header from a trusted load
 * balancer ({@code listen.proxyProtocol}), then TLS ({@code listen.tls.*}, reloaded on file change).
 * Says who the client is and whether it came over TLS (here or at the load balancer). TLS offers
 * {@code h2} then {@code http/1.1} by ALPN; {@link ProtocolSniffer} speaks what was agreed. Thread-safe.
 */
public final class ListenerFront implements AutoCloseable {

    private final ProxyProtocolFront proxy;
    private final ServerTls tls;

    private ListenerFront(ProxyProtocolFront proxy, ServerTls tls) {
        this.proxy = proxy;
        this.tls = tls;
    }

    /** @param scheduler checks the certificate files for changes */
    public static ListenerFront start(
            ListenConfig listen, List<String> trustedProxies, ScheduledExecutorService scheduler) {
        ProxyProtocolFront proxy = ProxyProtocolFront.of(listen.proxyProtocol(), trustedProxies);
        ServerTls tls = listen.tls().enabled()
                ? ServerTls.start(
                        listen.tls(),
                        scheduler,
                        TlsEngine.best(),
                        List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                : null;
        return new ListenerFront(proxy, tls);
    }

    /** Adds the PROXY protocol and TLS handlers at the front of a new connection's pipeline. */
    public void install(Channel channel) {
        proxy.install(channel);
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
        }
    }

    /** The client's address: the one a trusted PROXY header announced, else the socket peer. */
    static InetSocketAddress client(Channel channel) {
        return ProxiedClient.address(channel);
    }

    /** Whether the client reached PATgate over TLS: terminated here, or at a load balancer that said so. */
    static boolean secure(Channel channel) {
        Channel connection = channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
        return connection.pipeline().get(SslHandler.class) != null || ProxiedClient.tlsAtProxy(connection);
    }

    /** {@code tls} in health: provider and certificate expiry, or nothing without TLS. */
    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        if (tls != null) {
            health.put("provider", tls.provider());
            health.put(
                    "certificateExpires",
                    tls.certificate().getNotAfter().toInstant().toString());
        }
        return health;
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
    }
}
