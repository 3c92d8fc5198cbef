package org.patgate.server.dataplane.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLException;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;
import org.patgate.server.config.UpstreamConfig;

/**
 * The client side of TLS towards an {@code https} upstream: a context trusting
 * {@code upstream.trustStore} (or the JDK's trusted CAs when it is empty), speaking TLS 1.3 and 1.2,
 * and checking, with {@code upstream.tlsVerifyHostname}, that the upstream's certificate names the
 * host of {@code upstream.url} as an HTTPS client does (RFC 2818 / RFC 6125). Each connection's
 * handler sends that host as SNI. Stateless and thread-safe; a context is built once and shared by
 * every pooled connection.
 */
public final class UpstreamTls {

    private UpstreamTls() {}

    /**
     * The context for connections to the upstream, on the best engine here.
     *
     * @throws ConfigException naming {@code upstream.trustStore} or its password when they cannot be used
     */
    public static SslContext context(UpstreamConfig config) {
        return context(config, TlsEngine.best());
    }

    /** As {@link #context(UpstreamConfig)}, on the given engine. */
    public static SslContext context(UpstreamConfig config, TlsEngine engine) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(engine.sslProvider())
                .protocols(TlsConfig.SUPPORTED_PROTOCOLS)
                // null: no identification, the certificate is only checked against the trust anchors.
                .endpointIdentificationAlgorithm(config.tlsVerifyHostname() ? "HTTPS" : null);
        config.trustStoreFile()
                .ifPresent(file -> builder.trustManager(TrustMaterial.read(file, config.trustStorePassword())));
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new ConfigException(
                    UpstreamConfig.TRUST_STORE.key() + ": cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A handler for one connection to the upstream: SNI and the name checked are {@code host}
     * (the host of {@code upstream.url}, whatever address the connection was opened to).
     */
    public static SslHandler newHandler(SslContext context, ByteBufAllocator allocator, String host, int port) {
        return context.newHandler(allocator, host, port);
    }

    /** {@link #newHandler(SslContext, ByteBufAllocator, String, int)} for the host and port of {@code upstream.url}. */
    public static SslHandler newHandler(SslContext context, ByteBufAllocator allocator, UpstreamConfig config) {
        int port = config.url().getPort() < 0 ? 443 : config.url().getPort();
        String host = config.url().getHost();
        // URI keeps an IPv6 literal's brackets: [::1].
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return newHandler(context, allocator, host, port);
    }
}
