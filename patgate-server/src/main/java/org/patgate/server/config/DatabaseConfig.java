package org.patgate.server.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;
import org.patgate.server.config.internal.Durations;
import org.patgate.server.config.internal.Masking;

/**
 * The JDBC database ({@code database.*}): H2 ({@code jdbc:h2:}) or PostgreSQL
 * ({@code jdbc:postgresql:}). {@link #password()} is a secret and is masked by {@link #toString()}.
 * Declares its keys ({@link #KEYS}). Immutable and thread-safe.
 */
public record DatabaseConfig(
        String url, String username, String password, int maxPoolSize, Duration connectionTimeout) {

    public static final Setting<DatabaseConfig, String> URL = Setting.of(
            "database.url",
            new SettingType.Text(),
            "jdbc:h2:file:./data/patgate",
            ConfigRules::jdbcUrl,
            DatabaseConfig::url,
            "The JDBC URL: jdbc:h2: or jdbc:postgresql:; a password in it is masked when shown.");
    public static final Setting<DatabaseConfig, String> USERNAME = Setting.of(
            "database.username",
            new SettingType.Text(),
            "",
            ConfigRules::plainText,
            DatabaseConfig::username,
            "The database user.");
    public static final Setting<DatabaseConfig, String> PASSWORD = Setting.secret(
            "database.password", "", value -> {}, DatabaseConfig::password, "The database user's password.");
    public static final Setting<DatabaseConfig, Integer> MAX_POOL_SIZE = Setting.of(
            "database.maxPoolSize",
            new SettingType.Int(),
            10,
            ConfigRules.range(1, 1000),
            DatabaseConfig::maxPoolSize,
            "The most database connections the node holds.");
    public static final Setting<DatabaseConfig, Duration> CONNECTION_TIMEOUT = Setting.of(
            "database.connectionTimeout",
            new SettingType.Span(),
            Duration.ofSeconds(10),
            DatabaseConfig::checkConnectionTimeout,
            DatabaseConfig::connectionTimeout,
            "How long a request waits for a pooled connection before it fails; between 250ms and 60s.");
    /** Every {@code database.*} key. */
    public static final List<Setting<DatabaseConfig, ?>> KEYS =
            List.of(URL, USERNAME, PASSWORD, MAX_POOL_SIZE, CONNECTION_TIMEOUT);

    public DatabaseConfig {
        URL.require(url);
        USERNAME.require(username);
        PASSWORD.require(password);
        MAX_POOL_SIZE.require(maxPoolSize);
        CONNECTION_TIMEOUT.require(connectionTimeout);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static DatabaseConfig from(Function<? super Setting<DatabaseConfig, ?>, Object> values) {
        return new DatabaseConfig(
                URL.pick(values),
                USERNAME.pick(values),
                PASSWORD.pick(values),
                MAX_POOL_SIZE.pick(values),
                CONNECTION_TIMEOUT.pick(values));
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + Masking.url(url) + ", username=" + username + ", password="
                + Masking.secret(password) + ", maxPoolSize=" + maxPoolSize + ", connectionTimeout="
                + Durations.format(connectionTimeout) + "]";
    }

    /** Below 250 ms a busy but healthy pool fails requests; above a minute clients have long given up. */
    private static void checkConnectionTimeout(Duration value) {
        if (value.compareTo(Duration.ofMillis(250)) < 0 || value.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new ConfigException("must be between 250ms and 60s");
        }
    }
}
