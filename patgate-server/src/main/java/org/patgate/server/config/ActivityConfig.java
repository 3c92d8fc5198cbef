package org.patgate.server.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How token activity is recorded ({@code activity.*}): the bounded in-memory queue between the
 * gateway and the database (events beyond it are dropped and counted, never blocking a request),
 * how often it is written, and how many recent requests are kept per token. Declares its keys
 * ({@link #KEYS}). Immutable.
 */
public record ActivityConfig(int queueSize, Duration flushInterval, int recentRequests) {

    public static final Setting<ActivityConfig, Integer> QUEUE_SIZE = Setting.of(
            "activity.queueSize",
            new SettingType.Int(),
            100_000,
            ConfigRules.range(100, 10_000_000),
            ActivityConfig::queueSize,
            "Activity events held in memory before they are written; beyond it they are dropped and counted.");
    public static final Setting<ActivityConfig, Duration> FLUSH_INTERVAL = Setting.of(
            "activity.flushInterval",
            new SettingType.Span(),
            Duration.ofSeconds(1),
            ConfigRules::positive,
            ActivityConfig::flushInterval,
            "How often queued activity is written to the database.");
    public static final Setting<ActivityConfig, Integer> RECENT_REQUESTS = Setting.of(
            "activity.recentRequests",
            new SettingType.Int(),
            100,
            ConfigRules.range(0, 10_000),
            ActivityConfig::recentRequests,
            "How many recent requests are kept per token.");
    /** Every {@code activity.*} key. */
    public static final List<Setting<ActivityConfig, ?>> KEYS = List.of(QUEUE_SIZE, FLUSH_INTERVAL, RECENT_REQUESTS);

    public ActivityConfig {
        QUEUE_SIZE.require(queueSize);
        FLUSH_INTERVAL.require(flushInterval);
        RECENT_REQUESTS.require(recentRequests);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ActivityConfig from(Function<? super Setting<ActivityConfig, ?>, Object> values) {
        return new ActivityConfig(QUEUE_SIZE.pick(values), FLUSH_INTERVAL.pick(values), RECENT_REQUESTS.pick(values));
    }

    public static ActivityConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }
}
