package org.patgate.server.config;

import java.time.Duration;
import org.patgate.server.config.internal.ConfigRules;

/**
 * How much of the node one kind of traffic or one client may hold ({@code limits.*}). Upstream
 * exchanges are counted in two budgets: requests with a verified PATgate token, and everything
 * else (anonymous, session cookie, password). Anonymous traffic never holds more than
 * {@code anonymousExchanges} of the {@code upstreamConnections}, so the rest stays free for tokens;
 * each client address holds at most {@code clientExchanges} in each budget; a request waits at most
 * {@code upstreamWait} for a connection. A request body must keep arriving at
 * {@code minRequestBodyRate} bytes per second, after {@code requestBodyGrace} of slack. Immutable.
 */
public record LimitsConfig(int upstreamConnections, int anonymousExchanges, int clientExchanges, Duration upstreamWait,
        int minRequestBodyRate, Duration requestBodyGrace) {

    public LimitsConfig {
        ConfigRules.require("limits.upstreamConnections", upstreamConnections, ConfigRules.range(2, 10_000));
        ConfigRules.require("limits.anonymousExchanges", anonymousExchanges, ConfigRules.range(1, 10_000));
        ConfigRules.require("limits.clientExchanges", clientExchanges, ConfigRules.range(1, 10_000));
        ConfigRules.require("limits.upstreamWait", upstreamWait, ConfigRules::notNegative);
        ConfigRules.require("limits.minRequestBodyRate", minRequestBodyRate, ConfigRules.range(1, 1_000_000_000));
        ConfigRules.require("limits.requestBodyGrace", requestBodyGrace, ConfigRules::positive);
        if (anonymousExchanges >= upstreamConnections) {
            // Fail closed: anonymous traffic must never be able to take every connection tokens need.
            throw new ConfigException("limits.anonymousExchanges: must be less than "
                    + "limits.upstreamConnections (" + upstreamConnections + ") so tokens keep a reserve, got "
                    + anonymousExchanges);
        }
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(256, 192, 64, Duration.ofSeconds(5), 1024, Duration.ofSeconds(5));
    }
}
