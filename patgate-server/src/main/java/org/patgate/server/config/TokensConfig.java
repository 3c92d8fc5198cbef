package org.patgate.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * Token settings ({@code tokens.*}). {@link #pepper()} is the HMAC key for token digests, given
 * inline (secret; {@code null} is read as empty) or, when empty, read from {@link #pepperFile()} by
 * {@link PepperSource}. Cache TTLs of zero disable the cache; {@code maxLifetimeDays} 0 means
 * unlimited. {@link #toString()} masks the pepper. Immutable and thread-safe.
 */
public record TokensConfig(String prefix, String pepper, Path pepperFile, Duration cacheTtl,
        Duration negativeCacheTtl, int maxLifetimeDays) {

    public TokensConfig {
        ConfigRules.require("tokens.prefix", prefix, ConfigRules::tokenPrefix);
        pepper = pepper == null ? "" : pepper;
        ConfigRules.require("tokens.pepper", pepper, ConfigRules::pepper);
        ConfigRules.require("tokens.pepperFile", pepperFile, value -> { });
        ConfigRules.require("tokens.cacheTtl", cacheTtl, ConfigRules::notNegative);
        ConfigRules.require("tokens.negativeCacheTtl", negativeCacheTtl, ConfigRules::notNegative);
        ConfigRules.require("tokens.maxLifetimeDays", maxLifetimeDays, ConfigRules.range(0, 36500));
    }

    @Override
    public String toString() {
        return "TokensConfig[prefix=" + prefix + ", pepper=" + Masking.secret(pepper) + ", pepperFile="
                + pepperFile + ", cacheTtl=" + cacheTtl + ", negativeCacheTtl=" + negativeCacheTtl
                + ", maxLifetimeDays=" + maxLifetimeDays + "]";
    }
}
