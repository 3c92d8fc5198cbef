package org.patgate.server.dataplane.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who the client of a connection is, as the PROXY protocol told it: the attributes a trusted load
 * balancer's header sets on the channel, and the one place that reads them with the socket address
 * as fallback. Stateless and thread-safe.
 */
public final class ProxiedClient {

    /** The client's address from a trusted PROXY header; unset without one. */
    public static final AttributeKey<InetSocketAddress> ADDRESS = AttributeKey.valueOf(ProxiedClient.class, "address");

    /** Whether the load balancer received the client's connection over TLS (the v2 header's SSL TLV); unset: unknown. */
    public static final AttributeKey<Boolean> TLS = AttributeKey.valueOf(ProxiedClient.class, "tls");

    private ProxiedClient() {}

    /**
     * The client's address: the one a trusted PROXY header announced, else the socket peer. Null
     * only for a channel that has no IP peer (a Unix domain socket) and no header.
     */
    public static InetSocketAddress address(Channel channel) {
        InetSocketAddress announced = channel.attr(ADDRESS).get();
        if (announced != null) {
            return announced;
        }
        SocketAddress peer = channel.remoteAddress();
        return peer instanceof InetSocketAddress inet ? inet : null;
    }

    /** Whether a trusted PROXY v2 header said the client connected to the load balancer over TLS. */
    public static boolean tlsAtProxy(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(TLS).get());
    }
}
