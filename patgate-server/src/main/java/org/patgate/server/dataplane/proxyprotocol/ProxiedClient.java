package org.patgate.server.dataplane.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

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
     * The client's address: the one a trusted PROXY header announced, else the socket peer. A child
     * channel (an HTTP/2 stream) answers for its connection. Null only for a connection without an
     * IP peer (a Unix domain socket) and without a header.
     */
    public static InetSocketAddress address(Channel channel) {
        for (Channel connection = channel; connection != null; connection = connection.parent()) {
            InetSocketAddress announced = connection.attr(ADDRESS).get();
            if (announced != null) {
                return announced;
            }
        }
        for (Channel connection = channel; connection != null; connection = connection.parent()) {
            if (connection.remoteAddress() instanceof InetSocketAddress peer) {
                return peer;
            }
        }
        return null;
    }

    /**
     * Whether a trusted PROXY v2 header said the client connected to the load balancer over TLS; a
     * child channel (an HTTP/2 stream) answers for its connection.
     */
    public static boolean tlsAtProxy(Channel channel) {
        for (Channel connection = channel; connection != null; connection = connection.parent()) {
            Boolean tls = connection.attr(TLS).get();
            if (tls != null) {
                return tls;
            }
        }
        return false;
    }
}
