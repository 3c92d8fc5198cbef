package org.patgate.server.config;

import java.time.Duration;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How token activity is recorded ({@code activity.*}): the bounded in-memory queue between the
 * gateway and the database (events beyond it are dropped and counted, never blocking a request),
 * how often it is written, and how many recent requests are kept per token. Immutable.
 */
public record ActivityConfig(int queueSize, Duration flushInterval, int recentRequests) {

    public ActivityConfig {
        ConfigRules.require("activity.queueSize", queueSize, ConfigRules.range(100, 10_000_000));
        ConfigRules.require("activity.flushInterval", flushInterval, ConfigRules::positive);
        ConfigRules.require("activity.recentRequests", recentRequests, ConfigRules.range(0, 10_000));
    }

    public static ActivityConfig defaults() {
        return new ActivityConfig(100_000, Duration.ofSeconds(1), 100);
    }
}
