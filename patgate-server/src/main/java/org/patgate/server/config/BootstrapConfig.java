package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * The first administrator ({@code bootstrap.*}), created when the user directory is empty. An empty
 * password means none is set. {@link #adminPassword()} is a secret and masked by {@link #toString()}.
 * Declares its keys ({@link #KEYS}). Immutable and thread-safe.
 */
public record BootstrapConfig(String adminUsername, String adminPassword) {

    public static final Setting<BootstrapConfig, String> ADMIN_USERNAME = Setting.of(
            "bootstrap.adminUsername",
            new SettingType.Text(),
            "admin",
            ConfigRules::name,
            BootstrapConfig::adminUsername,
            "The first administrator's username, created when the user directory is empty.");
    public static final Setting<BootstrapConfig, String> ADMIN_PASSWORD = Setting.secret(
            "bootstrap.adminPassword",
            "",
            value -> {},
            BootstrapConfig::adminPassword,
            "The first administrator's password; empty: none is set.");
    /** Every {@code bootstrap.*} key. */
    public static final List<Setting<BootstrapConfig, ?>> KEYS = List.of(ADMIN_USERNAME, ADMIN_PASSWORD);

    public BootstrapConfig {
        ADMIN_USERNAME.require(adminUsername);
        ADMIN_PASSWORD.require(adminPassword);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static BootstrapConfig from(Function<? super Setting<BootstrapConfig, ?>, Object> values) {
        return new BootstrapConfig(ADMIN_USERNAME.pick(values), ADMIN_PASSWORD.pick(values));
    }

    @Override
    public String toString() {
        return "BootstrapConfig[adminUsername=" + adminUsername + ", adminPassword=" + Masking.secret(adminPassword)
                + "]";
    }
}
