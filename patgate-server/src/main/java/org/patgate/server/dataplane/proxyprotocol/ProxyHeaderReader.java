package org.patgate.server.dataplane.proxyprotocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.patgate.server.config.ListenConfig.ProxyProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the header Netty's {@code HAProxyMessageDecoder} decoded from a trusted proxy's connection:
 * a header of another version than the configured one, or anything the decoder could not read,
 * closes the connection; a {@code PROXY} command for TCP over IPv4 or IPv6 sets the client's address
 * ({@link ProxiedClient#ADDRESS}) and whether the proxy received TLS ({@link ProxiedClient#TLS});
 * {@code LOCAL} (a health check) and {@code UNKNOWN} leave the socket address. Then it leaves the
 * pipeline, and the bytes after the header go on to the next handler. Not sharable: one per connection.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderReader.class);

    private final ProxyProtocol mode;
    private boolean refused;

    ProxyHeaderReader(ProxyProtocol mode) {
        this.mode = mode;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            if (refused) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        try {
            if (!versionAllowed(header.protocolVersion())) {
                refuse(ctx, "a PROXY " + header.protocolVersion() + " header where " + mode + " is configured");
                return;
            }
            if (header.command() == HAProxyCommand.PROXY && isTcp(header.proxiedProtocol())) {
                InetAddress source = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
                if (source == null) {
                    refuse(ctx, "a PROXY header whose source is not an IP address");
                    return;
                }
                ctx.channel().attr(ProxiedClient.ADDRESS).set(new InetSocketAddress(source, header.sourcePort()));
                for (HAProxyTLV tlv : header.tlvs()) {
                    if (tlv instanceof HAProxySSLTLV ssl) {
                        ctx.channel().attr(ProxiedClient.TLS).set(ssl.isPP2ClientSSL());
                    }
                }
            }
            ctx.pipeline().remove(this);
            if (!ctx.channel().config().isAutoRead()) {
                // The header was this read's message; the request that follows needs a read of its own.
                ctx.read();
            }
        } finally {
            header.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            return;
        }
        // HAProxyProtocolException: no header, a malformed one, or one longer than the protocol allows.
        // Its message quotes the connection's first bytes, which may be a client's request: not logged.
        refuse(ctx, "no readable PROXY header (" + cause.getClass().getSimpleName() + ")");
    }

    private boolean versionAllowed(HAProxyProtocolVersion version) {
        return switch (mode) {
            case V1 -> version == HAProxyProtocolVersion.V1;
            case V2 -> version == HAProxyProtocolVersion.V2;
            case ANY -> true;
            case OFF -> false;
        };
    }

    private static boolean isTcp(HAProxyProxiedProtocol protocol) {
        return protocol == HAProxyProxiedProtocol.TCP4 || protocol == HAProxyProxiedProtocol.TCP6;
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        refused = true;
        LOG.debug(
                "closing a connection from trusted proxy {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
