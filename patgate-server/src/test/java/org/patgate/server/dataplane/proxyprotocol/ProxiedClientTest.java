package org.patgate.server.dataplane.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The client address a handler reads: the announced one on the connection, also from a child
 * channel such as an HTTP/2 stream, else the socket peer (over loopback in ProxyProtocolFrontTest).
 */
class ProxiedClientTest {

    @Test
    void aStreamOfAConnectionSeesTheAddressItsProxyAnnounced() {
        EmbeddedChannel connection = new EmbeddedChannel();
        EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false);
        // An embedded channel has no IP peer: nothing to name before a header.
        assertThat(ProxiedClient.address(stream)).isNull();
        assertThat(ProxiedClient.tlsAtProxy(stream)).isFalse();

        InetSocketAddress announced = new InetSocketAddress("203.0.113.7", 4711);
        connection.attr(ProxiedClient.ADDRESS).set(announced);
        connection.attr(ProxiedClient.TLS).set(true);

        assertThat(ProxiedClient.address(connection)).isEqualTo(announced);
        assertThat(ProxiedClient.address(stream)).isEqualTo(announced);
        assertThat(ProxiedClient.tlsAtProxy(stream)).isTrue();
        stream.finishAndReleaseAll();
        connection.finishAndReleaseAll();
    }
}
