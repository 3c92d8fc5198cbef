package org.patgate.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Where the gateway accepts connections ({@code listen.*}) and which engine serves them. Port 0
 * picks a free port, for tests. {@code dataPlane} chooses what forwards to the upstream: Netty
 * (the management API and UI then run behind it, unreachable from outside) or Jetty, which serves
 * everything itself. {@code transport} chooses Netty's I/O: io_uring, epoll, or the JDK's NIO,
 * {@code auto} taking the first that works on this machine, on {@code eventLoops} threads (0: one per
 * CPU core). {@code tls} ({@code listen.tls.*}) says
 * whether connections speak TLS and with which certificate; {@code proxyProtocol} whether
 * connections from {@code trustedProxies} start with a PROXY protocol header naming the client.
 * Declares its keys ({@link #KEYS}). Immutable and thread-safe.
 */
public record ListenConfig(
        String host,
        int port,
        DataPlane dataPlane,
        Transport transport,
        int eventLoops,
        TlsConfig tls,
        ProxyProtocol proxyProtocol) {

    /** The most {@code listen.eventLoops} accepted: far beyond any useful count, short of a typo. */
    public static final int MAX_EVENT_LOOPS = 256;

    /** YAML: {@code jetty} | {@code netty}. */
    public enum DataPlane {
        JETTY,
        NETTY
    }

    /** YAML: {@code auto} | {@code io-uring} | {@code epoll} | {@code nio}. */
    public enum Transport implements SettingType.Spelled {
        AUTO,
        IO_URING,
        EPOLL,
        NIO;

        @Override
        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * YAML: {@code off} | {@code v1} | {@code v2} | {@code any}: which PROXY protocol header a connection
     * from a trusted proxy must start with (HAProxy's text v1, binary v2, or either).
     */
    public enum ProxyProtocol {
        OFF,
        V1,
        V2,
        ANY;

        /** Whether connections from trusted proxies start with a PROXY header. */
        public boolean enabled() {
            return this != OFF;
        }
    }

    public static final Setting<ListenConfig, String> HOST = Setting.of(
            "listen.host",
            new SettingType.Text(),
            "127.0.0.1",
            ConfigRules::host,
            ListenConfig::host,
            "The address to listen on: an IP address or host name.");
    public static final Setting<ListenConfig, Integer> PORT = Setting.of(
            "listen.port",
            new SettingType.Int(),
            8080,
            ConfigRules::port,
            ListenConfig::port,
            "The port to listen on; 0 picks a free one.");
    public static final Setting<ListenConfig, DataPlane> DATA_PLANE = Setting.of(
            "listen.dataPlane",
            new SettingType.Choice<>(DataPlane.class),
            DataPlane.NETTY,
            value -> {},
            ListenConfig::dataPlane,
            "What forwards requests to the upstream: netty (the default: fast, with TLS and PROXY protocol; "
                    + "the API and UI are served behind it on the same port) or jetty (everything in one engine).");
    public static final Setting<ListenConfig, Transport> TRANSPORT = Setting.of(
            "listen.transport",
            new SettingType.Choice<>(Transport.class),
            Transport.AUTO,
            value -> {},
            ListenConfig::transport,
            "Netty's I/O: auto (io-uring, else epoll, else nio), io-uring, epoll or nio.");
    public static final Setting<ListenConfig, Integer> EVENT_LOOPS = Setting.of(
            "listen.eventLoops",
            new SettingType.Int(),
            0,
            ConfigRules.range(0, MAX_EVENT_LOOPS),
            ListenConfig::eventLoops,
            "Threads doing the data plane's I/O with listen.dataPlane: netty; 0 (the default) starts one per CPU core.");
    public static final Setting<ListenConfig, ProxyProtocol> PROXY_PROTOCOL = Setting.of(
            "listen.proxyProtocol",
            new SettingType.Choice<>(ProxyProtocol.class),
            ProxyProtocol.OFF,
            value -> {},
            ListenConfig::proxyProtocol,
            "off, or the PROXY protocol header (v1, v2 or any) connections from trustedProxies must start with.");
    /** Every {@code listen.*} key, {@code listen.tls.*} included. */
    public static final List<Setting<ListenConfig, ?>> KEYS = Stream.<Setting<ListenConfig, ?>>concat(
                    Stream.of(HOST, PORT, DATA_PLANE, TRANSPORT, EVENT_LOOPS, PROXY_PROTOCOL), TlsConfig.KEYS.stream())
            .toList();

    public ListenConfig {
        HOST.require(host);
        PORT.require(port);
        DATA_PLANE.require(dataPlane);
        TRANSPORT.require(transport);
        EVENT_LOOPS.require(eventLoops);
        Objects.requireNonNull(tls, "listen.tls");
        PROXY_PROTOCOL.require(proxyProtocol);
        // Only the Netty data plane speaks TLS and reads PROXY headers: never serve plain HTTP where TLS was asked for.
        List<String> problems = new ArrayList<>();
        if (tls.enabled() && dataPlane != DataPlane.NETTY) {
            String key = tls.source().orElseThrow() instanceof TlsConfig.Pem
                    ? TlsConfig.CERTIFICATE.key()
                    : TlsConfig.KEYSTORE.key();
            problems.add(key + ": TLS on the listener needs " + DATA_PLANE.key() + ": netty");
        }
        if (proxyProtocol.enabled() && dataPlane != DataPlane.NETTY) {
            problems.add(PROXY_PROTOCOL.key() + ": PROXY protocol headers need " + DATA_PLANE.key() + ": netty");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Plain HTTP without PROXY headers. */
    public ListenConfig(String host, int port, DataPlane dataPlane, Transport transport) {
        this(host, port, dataPlane, transport, 0, TlsConfig.none(), ProxyProtocol.OFF);
    }

    /** The default data plane and transport, plain HTTP, on {@code host:port}. */
    public ListenConfig(String host, int port) {
        this(host, port, DataPlane.NETTY, Transport.AUTO);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ListenConfig from(Function<? super Setting<ListenConfig, ?>, Object> values) {
        return new ListenConfig(
                HOST.pick(values),
                PORT.pick(values),
                DATA_PLANE.pick(values),
                TRANSPORT.pick(values),
                EVENT_LOOPS.pick(values),
                new TlsConfig(
                        TlsConfig.CERTIFICATE.pick(values),
                        TlsConfig.KEY.pick(values),
                        TlsConfig.KEY_PASSWORD.pick(values),
                        TlsConfig.KEYSTORE.pick(values),
                        TlsConfig.KEYSTORE_PASSWORD.pick(values),
                        TlsConfig.PROTOCOLS.pick(values),
                        TlsConfig.RELOAD_INTERVAL.pick(values)),
                PROXY_PROTOCOL.pick(values));
    }
}
