package org.patgate.server.dataplane.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import org.patgate.core.net.IpRangeSet;
import org.patgate.server.config.ListenConfig.ProxyProtocol;

/**
 * What the front of a new connection's pipeline does about PROXY headers, decided by the peer's
 * socket address: from a trusted proxy, the connection must start with a header of the configured
 * version; from anyone else, a header is refused and everything else passes untouched. With
 * {@code listen.proxyProtocol: off} nothing is added. Immutable and thread-safe; one per listener.
 */
public final class ProxyProtocolFront {

    /** The name of the first handler {@link #install} adds. */
    public static final String HANDLER_NAME = "proxy-protocol";

    private final ProxyProtocol mode;
    private final IpRangeSet trustedProxies;

    public ProxyProtocolFront(ProxyProtocol mode, IpRangeSet trustedProxies) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    /** From the configuration's values: {@code listen.proxyProtocol} and {@code trustedProxies}. */
    public static ProxyProtocolFront of(ProxyProtocol mode, List<String> trustedProxies) {
        return new ProxyProtocolFront(mode, IpRangeSet.of(trustedProxies));
    }

    /** Whether PROXY headers are read at all. */
    public boolean enabled() {
        return mode.enabled();
    }

    /**
     * Adds the handlers for this connection at the front of its pipeline; call it from the channel
     * initializer, before any TLS or HTTP handler is added after it. Does nothing when off.
     */
    public void install(Channel channel) {
        if (!mode.enabled()) {
            return;
        }
        if (trusted(channel.remoteAddress())) {
            channel.pipeline().addFirst(HANDLER_NAME + "-reader", new ProxyHeaderReader(mode));
            channel.pipeline().addFirst(HANDLER_NAME, new HAProxyMessageDecoder());
        } else {
            channel.pipeline().addFirst(HANDLER_NAME, new ProxyHeaderRefusal());
        }
    }

    private boolean trusted(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet
                && inet.getAddress() != null
                && trustedProxies.allows(inet.getAddress());
    }
}
