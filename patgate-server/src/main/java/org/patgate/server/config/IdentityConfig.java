package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;

/**
 * How the upstream learns who the caller is ({@code identity.*}): a trusted header carrying the
 * username, a signed JWT in that header, or nothing. The header is an RFC 9110 token and not one the
 * gateway itself relies on ({@code Authorization}, {@code Host}, ...). Immutable and thread-safe.
 */
public record IdentityConfig(Mode mode, String header) {

    /** YAML: {@code header} | {@code jwt} | {@code none}. */
    public enum Mode { HEADER, JWT, NONE }

    public IdentityConfig {
        ConfigRules.require("identity.mode", mode, value -> { });
        ConfigRules.require("identity.header", header, ConfigRules::headerName);
    }
}
