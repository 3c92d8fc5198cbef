package org.patgate.server.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How token activity is recorded ({@code activity.*}): the bounded in-memory queue between the
 * gateway and the database (events beyond it are dropped and counted, never blocking a request),
 * how often it is written, how many recent requests are kept per token, and the usage analytics
 * counters (how long hourly rows are kept, keys per dimension and minute in memory, path group depth).
 * Declares its keys
 * ({@link #KEYS}). Immutable.
 */
public record ActivityConfig(
        int queueSize,
        Duration flushInterval,
        int recentRequests,
        Duration usageRetention,
        int usageKeys,
        int usagePathDepth) {

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
    public static final Setting<ActivityConfig, Duration> USAGE_RETENTION = Setting.of(
            "activity.usageRetention",
            new SettingType.Span(),
            Duration.ofDays(90),
            ActivityConfig::dayToTenYears,
            ActivityConfig::usageRetention,
            "How long hourly usage counters are kept (per-minute counters: 24 hours).");
    public static final Setting<ActivityConfig, Integer> USAGE_KEYS = Setting.of(
            "activity.usageKeys",
            new SettingType.Int(),
            10_000,
            ConfigRules.range(10, 1_000_000),
            ActivityConfig::usageKeys,
            "Distinct tokens, addresses and path groups each counted per minute; requests beyond are dropped and counted.");
    public static final Setting<ActivityConfig, Integer> USAGE_PATH_DEPTH = Setting.of(
            "activity.usagePathDepth",
            new SettingType.Int(),
            6,
            ConfigRules.range(1, 20),
            ActivityConfig::usagePathDepth,
            "Path segments a usage path group keeps before it is cut.");
    /** Every {@code activity.*} key. */
    public static final List<Setting<ActivityConfig, ?>> KEYS =
            List.of(QUEUE_SIZE, FLUSH_INTERVAL, RECENT_REQUESTS, USAGE_RETENTION, USAGE_KEYS, USAGE_PATH_DEPTH);

    private static void dayToTenYears(Duration duration) {
        if (duration.compareTo(Duration.ofDays(1)) < 0 || duration.compareTo(Duration.ofDays(3650)) > 0) {
            throw new ConfigException("must be between 1 day and 3650 days");
        }
    }

    public ActivityConfig {
        QUEUE_SIZE.require(queueSize);
        FLUSH_INTERVAL.require(flushInterval);
        RECENT_REQUESTS.require(recentRequests);
        USAGE_RETENTION.require(usageRetention);
        USAGE_KEYS.require(usageKeys);
        USAGE_PATH_DEPTH.require(usagePathDepth);
    }

    /** Builds the section from one value per key in {@link #KEYS}. */
    public static ActivityConfig from(Function<? super Setting<ActivityConfig, ?>, Object> values) {
        return new ActivityConfig(
                QUEUE_SIZE.pick(values),
                FLUSH_INTERVAL.pick(values),
                RECENT_REQUESTS.pick(values),
                USAGE_RETENTION.pick(values),
                USAGE_KEYS.pick(values),
                USAGE_PATH_DEPTH.pick(values));
    }

    public static ActivityConfig defaults() {
        return from(setting -> setting.defaultFor(UpstreamProduct.GENERIC));
    }
}
