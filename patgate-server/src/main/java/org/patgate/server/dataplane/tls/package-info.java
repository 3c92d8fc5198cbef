/**
 * TLS at both ends of the data plane. {@link ServerTls} owns the listener's TLS: it reads the
 * certificate chain and key ({@code listen.tls.*}: PEM or PKCS#12, checked to match), builds a Netty
 * {@code SslContext} for TLS 1.3 and 1.2 with ALPN offering {@code h2} and {@code http/1.1}, on
 * OpenSSL where its native library loads and on the JDK otherwise ({@link TlsEngine}), and re-reads
 * the files while running: a changed, usable pair serves new connections, open connections keep the
 * context they started with, and an unusable replacement keeps the previous one. {@link UpstreamTls}
 * owns the client side towards an {@code https} upstream: its trust store, host name verification
 * and SNI. Must never log or repeat a password, never fall back to plain text or to an older TLS
 * version, and never let a broken replacement file take the listener down.
 *
 * <p>Floor: edge (like {@code gateway}): it may use the services and the foundation below it; only
 * the launch floor and the data plane's other packages may use it. Uses {@code config}.
 */
package org.patgate.server.dataplane.tls;
