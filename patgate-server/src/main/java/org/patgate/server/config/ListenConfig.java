package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Where the gateway accepts connections ({@code listen.*}). Port 0 picks a free port, for tests.
 * Declares its keys ({@link #KEYS}). Immutable and thread-safe.
 */
public record ListenConfig(String host, int port) {

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
    /** Every {@code listen.*} key. */
    public static final List<Setting<ListenConfig, ?>> KEYS = List.of(HOST, PORT);

    public ListenConfig {
        HOST.require(host);
        PORT.require(port);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ListenConfig from(Function<? super Setting<ListenConfig, ?>, Object> values) {
        return new ListenConfig(HOST.pick(values), PORT.pick(values));
    }
}
