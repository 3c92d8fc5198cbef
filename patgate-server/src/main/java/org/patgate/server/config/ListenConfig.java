package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;

/**
 * Where the gateway accepts connections ({@code listen.*}). Port 0 picks a free port, for tests.
 * Immutable and thread-safe.
 */
public record ListenConfig(String host, int port) {

    public ListenConfig {
        ConfigRules.require("listen.host", host, ConfigRules::host);
        ConfigRules.require("listen.port", port, ConfigRules::port);
    }
}
