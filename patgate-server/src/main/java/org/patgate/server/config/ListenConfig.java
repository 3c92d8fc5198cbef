package org.patgate.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Where the gateway accepts connections ({@code listen.*}) and which engine serves them. Port 0
 * picks a free port, for tests. {@code dataPlane} chooses what forwards to the upstream: Netty
 * (the management API and UI then run behind it, unreachable from outside) or Jetty, which serves
 * everything itself. {@code transport} chooses Netty's I/O: io_uring, epoll, or the JDK's NIO,
 * {@code auto} taking the first that works on this machine. Declares its keys ({@link #KEYS}).
 * Immutable and thread-safe.
 */
public record ListenConfig(String host, int port, DataPlane dataPlane, Transport transport) {

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
            DataPlane.JETTY,
            value -> {},
            ListenConfig::dataPlane,
            "What forwards requests to the upstream: netty (fast; the API and UI are served behind it on "
                    + "the same port) or jetty.");
    public static final Setting<ListenConfig, Transport> TRANSPORT = Setting.of(
            "listen.transport",
            new SettingType.Choice<>(Transport.class),
            Transport.AUTO,
            value -> {},
            ListenConfig::transport,
            "Netty's I/O: auto (io-uring, else epoll, else nio), io-uring, epoll or nio.");
    /** Every {@code listen.*} key. */
    public static final List<Setting<ListenConfig, ?>> KEYS = List.of(HOST, PORT, DATA_PLANE, TRANSPORT);

    public ListenConfig {
        HOST.require(host);
        PORT.require(port);
        DATA_PLANE.require(dataPlane);
        TRANSPORT.require(transport);
    }

    /** Jetty serving everything, on {@code host:port}. */
    public ListenConfig(String host, int port) {
        this(host, port, DataPlane.JETTY, Transport.AUTO);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ListenConfig from(Function<? super Setting<ListenConfig, ?>, Object> values) {
        return new ListenConfig(HOST.pick(values), PORT.pick(values), DATA_PLANE.pick(values), TRANSPORT.pick(values));
    }
}
