package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code limits.*} keys: defaults, environment overrides, and refusals that name the key. */
class LimitsConfigTest {

    @Test
    void defaultsKeepAQuarterOfTheUpstreamConnectionsForTokens() {
        LimitsConfig limits = PatgateConfig.defaults().limits();

        assertThat(limits)
                .isEqualTo(new LimitsConfig(256, 192, 64, Duration.ofSeconds(5), 1024, Duration.ofSeconds(5)));
    }

    @Test
    void everyLimitCanBeSetFromTheEnvironment() {
        PatgateConfig config = PatgateConfig.load(
                null,
                Map.of(
                        "PATGATE_LIMITS_UPSTREAMCONNECTIONS", "100",
                        "PATGATE_LIMITS_ANONYMOUSEXCHANGES", "40",
                        "PATGATE_LIMITS_CLIENTEXCHANGES", "8",
                        "PATGATE_LIMITS_UPSTREAMWAIT", "0s",
                        "PATGATE_LIMITS_MINREQUESTBODYRATE", "10",
                        "PATGATE_LIMITS_REQUESTBODYGRACE", "30s"));

        assertThat(config.limits()).isEqualTo(new LimitsConfig(100, 40, 8, Duration.ZERO, 10, Duration.ofSeconds(30)));
        assertThat(PatgateConfig.load(null, Map.of()).toMaskedYaml()).contains("limits:", "anonymousExchanges: 192");
    }

    @Test
    void anonymousTrafficCanNeverBeGivenEveryConnection() {
        assertThatThrownBy(() -> PatgateConfig.load(
                        null,
                        Map.of("PATGATE_LIMITS_UPSTREAMCONNECTIONS", "10", "PATGATE_LIMITS_ANONYMOUSEXCHANGES", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.anonymousExchanges: must be less than limits.upstreamConnections (10)");
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() {
        assertThatThrownBy(() -> PatgateConfig.load(
                        null,
                        Map.of(
                                "PATGATE_LIMITS_MINREQUESTBODYRATE", "0",
                                "PATGATE_LIMITS_CLIENTEXCHANGES", "0",
                                "PATGATE_LIMITS_REQUESTBODYGRACE", "0s",
                                "PATGATE_LIMITS_UPSTREAMWAIT", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.minRequestBodyRate")
                .hasMessageContaining("limits.clientExchanges")
                .hasMessageContaining("limits.requestBodyGrace")
                .hasMessageContaining("limits.upstreamWait");
    }
}
