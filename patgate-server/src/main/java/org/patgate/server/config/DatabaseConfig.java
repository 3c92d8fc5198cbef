package org.patgate.server.config;

import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Masking;

/**
 * The JDBC database ({@code database.*}): H2 ({@code jdbc:h2:}) or PostgreSQL
 * ({@code jdbc:postgresql:}). {@link #password()} is a secret and is masked by {@link #toString()}.
 * Immutable and thread-safe.
 */
public record DatabaseConfig(String url, String username, String password, int maxPoolSize) {

    public DatabaseConfig {
        ConfigRules.require("database.url", url, ConfigRules::jdbcUrl);
        ConfigRules.require("database.username", username, ConfigRules::plainText);
        ConfigRules.require("database.password", password, value -> { });
        ConfigRules.require("database.maxPoolSize", maxPoolSize, ConfigRules.range(1, 1000));
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + Masking.url(url) + ", username=" + username
                + ", password=" + Masking.secret(password) + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
