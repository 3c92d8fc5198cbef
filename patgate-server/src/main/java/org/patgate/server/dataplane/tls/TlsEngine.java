package org.patgate.server.dataplane.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation a context runs on: OpenSSL (BoringSSL from netty-tcnative, faster and
 * leaner) or the JDK's. {@link #best()} takes OpenSSL when its native library loaded on this
 * machine and it negotiates ALPN, else the JDK. Immutable.
 */
public enum TlsEngine {
    OPENSSL("openssl", SslProvider.OPENSSL),
    JDK("jdk", SslProvider.JDK);

    private final String label;
    private final SslProvider provider;

    TlsEngine(String label, SslProvider provider) {
        this.label = label;
        this.provider = provider;
    }

    /** OpenSSL when it is usable here, else the JDK. */
    public static TlsEngine best() {
        return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? OPENSSL : JDK;
    }

    /** {@code openssl} or {@code jdk}, as health shows it. */
    public String label() {
        return label;
    }

    SslProvider sslProvider() {
        return provider;
    }
}
