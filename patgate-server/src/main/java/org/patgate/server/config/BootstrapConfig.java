package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * The first administrator ({@code bootstrap.*}), created when the user directory is empty. An empty
 * password means none is set. {@link #adminPassword()} is a secret and masked by {@link #toString()}.
 * Immutable and thread-safe.
 */
public record BootstrapConfig(String adminUsername, String adminPassword) {

    public BootstrapConfig {
        ConfigRules.require("bootstrap.adminUsername", adminUsername, ConfigRules::name);
        ConfigRules.require("bootstrap.adminPassword", adminPassword, value -> { });
    }

    @Override
    public String toString() {
        return "BootstrapConfig[adminUsername=" + adminUsername
                + ", adminPassword=" + Masking.secret(adminPassword) + "]";
    }
}
