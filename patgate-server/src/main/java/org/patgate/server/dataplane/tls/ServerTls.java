package org.patgate.server.dataplane.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's TLS: the current {@link SslContext} and the check that replaces it when the
 * certificate or key files change. Every {@code reloadInterval} the files are read again; when their
 * content differs from what is in use and forms a usable pair, the new context serves every
 * connection accepted from then on, while connections already open keep the engine they were
 * built with (none is dropped). A replacement that cannot be used (half written, wrong password,
 * a key that does not match) leaves the current context in place and is logged once, naming the
 * key, until the files change again.
 *
 * <p>Thread-safe: {@link #current()} and {@link #newHandler} are lock-free and may be called from
 * any event loop; checks run one at a time.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** What a check did. */
    public enum Reload {
        /** The files are as they were. */
        UNCHANGED,
        /** The files changed and the new pair is in use for new connections. */
        RELOADED,
        /** The files changed but cannot be used; the previous pair stays in use. */
        KEPT_PREVIOUS
    }

    /** A context and what it was built from. */
    private record Loaded(SslContext context, X509Certificate leaf, String fingerprint) {}

    private final TlsConfig.Source source;
    private final List<String> protocols;
    private final TlsEngine engine;
    private final AtomicReference<Loaded> loaded;
    private volatile ScheduledFuture<?> check;
    /** The fingerprint of the last refused replacement, so that it is logged once. Guarded by {@code this}. */
    private String refused;

    private ServerTls(TlsConfig config, TlsEngine engine, Loaded first) {
        this.source = config.source().orElseThrow();
        this.protocols = config.protocols();
        this.engine = engine;
        this.loaded = new AtomicReference<>(first);
    }

    /**
     * Reads the files, builds the first context on the best engine here ({@link TlsEngine#best()})
     * and schedules the checks for changes on {@code scheduler}.
     *
     * @throws ConfigException naming the key, when TLS is not configured or the files cannot be used
     */
    public static ServerTls start(TlsConfig config, ScheduledExecutorService scheduler) {
        return start(config, scheduler, TlsEngine.best());
    }

    /** As {@link #start(TlsConfig, ScheduledExecutorService)}, on the given engine. */
    public static ServerTls start(TlsConfig config, ScheduledExecutorService scheduler, TlsEngine engine) {
        Objects.requireNonNull(scheduler, "scheduler");
        TlsConfig.Source source = config.source()
                .orElseThrow(() -> new ConfigException(TlsConfig.CERTIFICATE.key() + ": TLS is not configured"));
        Loaded first = load(TlsFiles.read(source), config.protocols(), engine);
        ServerTls tls = new ServerTls(config, engine, first);
        long interval = config.reloadInterval().toMillis();
        tls.check = scheduler.scheduleWithFixedDelay(tls::checkQuietly, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("listen.tls: {} on {}, certificate {}", config.protocols(), engine.label(), describe(first.leaf()));
        return tls;
    }

    /** The context new connections get. */
    public SslContext current() {
        return loaded.get().context();
    }

    /** A handler for one new server connection, from the current context. */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        return current().newHandler(allocator);
    }

    /** The leaf certificate in use (its expiry is worth showing in health). */
    public X509Certificate certificate() {
        return loaded.get().leaf();
    }

    /** {@code openssl} or {@code jdk}: the engine the contexts run on. */
    public String provider() {
        return engine.label();
    }

    /** Checks the files now, as the scheduled check does. */
    public synchronized Reload reloadNow() {
        TlsFiles files = null;
        Loaded next;
        try {
            files = TlsFiles.read(source);
            if (files.fingerprint().equals(loaded.get().fingerprint())) {
                refused = null;
                return Reload.UNCHANGED;
            }
            next = load(files, protocols, engine);
        } catch (ConfigException e) {
            // The same broken files (or the same missing one) are reported once.
            String seen = files == null ? e.getMessage() : files.fingerprint();
            if (!seen.equals(refused)) {
                refused = seen;
                LOG.warn(
                        "listen.tls: the changed files cannot be used, the previous certificate stays in use: {}",
                        e.getMessage());
            }
            return Reload.KEPT_PREVIOUS;
        }
        refused = null;
        loaded.set(next);
        LOG.info("listen.tls: new certificate in use for new connections: {}", describe(next.leaf()));
        return Reload.RELOADED;
    }

    /** Stops checking the files; the current context stays usable for open connections. */
    @Override
    public void close() {
        check.cancel(false);
    }

    private void checkQuietly() {
        try {
            reloadNow();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep checking.
            LOG.warn("listen.tls: checking the certificate files failed: {}", e.toString());
        }
    }

    private static Loaded load(TlsFiles files, List<String> protocols, TlsEngine engine) {
        KeyMaterial material = KeyMaterial.from(files);
        try {
            SslContext context = SslContextBuilder.forServer(material.key(), material.chain())
                    .sslProvider(engine.sslProvider())
                    .protocols(protocols)
                    // RFC 9113 §9.2.2: HTTP/2 over TLS 1.2 only with ephemeral key exchange and AEAD ciphers.
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
            return new Loaded(context, material.leaf(), files.fingerprint());
        } catch (SSLException | IllegalArgumentException e) {
            String key = files.source() instanceof TlsConfig.Pem ? TlsConfig.KEY.key() : TlsConfig.KEYSTORE.key();
            throw new ConfigException(key + ": cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    private static String describe(X509Certificate leaf) {
        return leaf.getSubjectX500Principal().getName() + " (serial "
                + leaf.getSerialNumber().toString(16) + ", valid until "
                + leaf.getNotAfter().toInstant() + ")";
    }
}
