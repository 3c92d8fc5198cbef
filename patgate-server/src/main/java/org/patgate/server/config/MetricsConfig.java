package org.patgate.server.config;

import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * Who may read {@code /.patgate/metrics} ({@code metrics.*}): whether it is served at all, from which
 * client addresses (the socket peer, or the address a trusted proxy names), and a bearer token that
 * lets a scraper in from anywhere. Declares its keys ({@link #KEYS}). Immutable.
 *
 * @param token the metrics bearer token (a secret), or empty for none
 */
public record MetricsConfig(boolean enabled, List<String> allowedIps, String token) {

    /** The shortest metrics token accepted: a guessable one would open the metrics to the network. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public static final Setting<MetricsConfig, Boolean> ENABLED = Setting.of(
            "metrics.enabled",
            new SettingType.Flag(),
            true,
            value -> {},
            MetricsConfig::enabled,
            "Whether /.patgate/metrics is served.");
    public static final Setting<MetricsConfig, List<String>> ALLOWED_IPS = Setting.of(
            "metrics.allowedIps",
            new SettingType.Texts(ConfigRules::cidr),
            List.of("127.0.0.0/8", "::1"),
            value -> {},
            MetricsConfig::allowedIps,
            "Client addresses or CIDR ranges that may read the metrics without the metrics token.");
    public static final Setting<MetricsConfig, String> TOKEN = Setting.secret(
            "metrics.token",
            "",
            MetricsConfig::checkToken,
            MetricsConfig::token,
            "A bearer token that lets a scraper read the metrics from any address; empty: none.");
    /** Every {@code metrics.*} key. */
    public static final List<Setting<MetricsConfig, ?>> KEYS = List.of(ENABLED, ALLOWED_IPS, TOKEN);

    public MetricsConfig {
        ENABLED.require(enabled);
        allowedIps = List.copyOf(ALLOWED_IPS.require(allowedIps));
        token = TOKEN.require(token == null ? "" : token);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static MetricsConfig from(Function<? super Setting<MetricsConfig, ?>, Object> values) {
        return new MetricsConfig(ENABLED.pick(values), ALLOWED_IPS.pick(values), TOKEN.pick(values));
    }

    public static MetricsConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }

    /** Whether a metrics token is set. */
    public boolean hasToken() {
        return !token.isEmpty();
    }

    private static void checkToken(String token) {
        if (token.isEmpty()) {
            return;
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException("must be empty or at least " + MIN_TOKEN_LENGTH + " characters long");
        }
        // It travels in an Authorization header: visible ASCII only, no spaces.
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigException("must be visible ASCII characters without spaces");
        }
    }
}
