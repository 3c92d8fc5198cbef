package org.patgate.server.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How much of the node one kind of traffic or one client may hold ({@code limits.*}). Upstream
 * exchanges are counted in two budgets: requests with a verified PATgate token, and everything
 * else (anonymous, session cookie, password). Anonymous traffic never holds more than
 * {@code anonymousExchanges} of the {@code upstreamConnections}, so the rest stays free for tokens;
 * each client address holds at most {@code clientExchanges} in each budget; a request waits at most
 * {@code upstreamWait} for a connection. A request body must keep arriving at
 * {@code minRequestBodyRate} bytes per second, after {@code requestBodyGrace} of slack. Declares its
 * keys ({@link #KEYS}). Immutable.
 */
public record LimitsConfig(
        int upstreamConnections,
        int anonymousExchanges,
        int clientExchanges,
        Duration upstreamWait,
        int minRequestBodyRate,
        Duration requestBodyGrace) {

    public static final Setting<LimitsConfig, Integer> UPSTREAM_CONNECTIONS = Setting.of(
            "limits.upstreamConnections",
            new SettingType.Int(),
            256,
            ConfigRules.range(2, 10_000),
            LimitsConfig::upstreamConnections,
            "Upstream exchanges the node holds at once, tokens and everything else together.");
    public static final Setting<LimitsConfig, Integer> ANONYMOUS_EXCHANGES = Setting.of(
            "limits.anonymousExchanges",
            new SettingType.Int(),
            192,
            ConfigRules.range(1, 10_000),
            LimitsConfig::anonymousExchanges,
            "Of those, how many requests without a verified token may hold.");
    public static final Setting<LimitsConfig, Integer> CLIENT_EXCHANGES = Setting.of(
            "limits.clientExchanges",
            new SettingType.Int(),
            64,
            ConfigRules.range(1, 10_000),
            LimitsConfig::clientExchanges,
            "Upstream exchanges one client address holds at once in each budget.");
    public static final Setting<LimitsConfig, Duration> UPSTREAM_WAIT = Setting.of(
            "limits.upstreamWait",
            new SettingType.Span(),
            Duration.ofSeconds(5),
            ConfigRules::notNegative,
            LimitsConfig::upstreamWait,
            "How long a request waits for a free upstream exchange.");
    public static final Setting<LimitsConfig, Integer> MIN_REQUEST_BODY_RATE = Setting.of(
            "limits.minRequestBodyRate",
            new SettingType.Int(),
            1024,
            ConfigRules.range(1, 1_000_000_000),
            LimitsConfig::minRequestBodyRate,
            "Bytes per second a request body must keep arriving at.");
    public static final Setting<LimitsConfig, Duration> REQUEST_BODY_GRACE = Setting.of(
            "limits.requestBodyGrace",
            new SettingType.Span(),
            Duration.ofSeconds(5),
            ConfigRules::positive,
            LimitsConfig::requestBodyGrace,
            "Slack before the body rate applies.");
    /** Every {@code limits.*} key. */
    public static final List<Setting<LimitsConfig, ?>> KEYS = List.of(
            UPSTREAM_CONNECTIONS,
            ANONYMOUS_EXCHANGES,
            CLIENT_EXCHANGES,
            UPSTREAM_WAIT,
            MIN_REQUEST_BODY_RATE,
            REQUEST_BODY_GRACE);

    public LimitsConfig {
        UPSTREAM_CONNECTIONS.require(upstreamConnections);
        ANONYMOUS_EXCHANGES.require(anonymousExchanges);
        CLIENT_EXCHANGES.require(clientExchanges);
        UPSTREAM_WAIT.require(upstreamWait);
        MIN_REQUEST_BODY_RATE.require(minRequestBodyRate);
        REQUEST_BODY_GRACE.require(requestBodyGrace);
        if (anonymousExchanges >= upstreamConnections) {
            // Fail closed: anonymous traffic must never be able to take every connection tokens need.
            throw new ConfigException("limits.anonymousExchanges: must be less than "
                    + "limits.upstreamConnections (" + upstreamConnections + ") so tokens keep a reserve, got "
                    + anonymousExchanges);
        }
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static LimitsConfig from(Function<? super Setting<LimitsConfig, ?>, Object> values) {
        return new LimitsConfig(
                UPSTREAM_CONNECTIONS.pick(values),
                ANONYMOUS_EXCHANGES.pick(values),
                CLIENT_EXCHANGES.pick(values),
                UPSTREAM_WAIT.pick(values),
                MIN_REQUEST_BODY_RATE.pick(values),
                REQUEST_BODY_GRACE.pick(values));
    }

    public static LimitsConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }
}
