package org.patgate.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * Who may read {@code /.patgate/metrics}: loopback callers by default; another address (here named by
 * a trusted proxy's {@code X-Forwarded-For}) only with the metrics token; a wrong token never. Over
 * HTTP/1.1 and HTTP/2, on the data plane the test run selects.
 */
class MetricsAccessTest {

    private static final String METRICS_TOKEN = "scrape-me-with-this-long-token-42";
    private static final Map<String, String> FAR_AWAY = Map.of("X-Forwarded-For", "203.0.113.9");

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1")
            .env("PATGATE_METRICS_TOKEN", METRICS_TOKEN)
            .build();

    @Test
    void aLoopbackCallerMayScrape() {
        TestServer.Answer answer = gw.send("GET", "/.patgate/metrics", Map.of(), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("patgate_decisions_total");
    }

    @Test
    void anotherAddressIsRefusedWithWhatToSet() {
        TestServer.Answer answer = gw.send("GET", "/.patgate/metrics", FAR_AWAY, null);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("detail").asText()).contains("203.0.113.9", "metrics.allowedIps", "metrics.token");
        assertThat(answer.body()).doesNotContain("patgate_decisions_total");
    }

    @Test
    void theMetricsTokenLetsAnyAddressIn() {
        TestServer.Answer answer =
                gw.send("GET", "/.patgate/metrics", with(FAR_AWAY, "Authorization", "Bearer " + METRICS_TOKEN), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("patgate_decisions_total");
    }

    @Test
    void aWrongTokenIsRefusedEvenFromLoopbackAndNeverEchoed() {
        String wrong = METRICS_TOKEN + "x";
        TestServer.Answer far =
                gw.send("GET", "/.patgate/metrics", with(FAR_AWAY, "Authorization", "Bearer " + wrong), null);
        TestServer.Answer near = gw.send("GET", "/.patgate/metrics", Map.of("Authorization", "Bearer " + wrong), null);

        assertThat(far.status()).isEqualTo(403);
        assertThat(near.status()).isEqualTo(403);
        assertThat(far.json().get("detail").asText()).contains("metrics token is not valid");
        assertThat(far.body() + near.body()).doesNotContain(wrong).doesNotContain(METRICS_TOKEN);
    }

    @Test
    void aPatgateTokenIsNotAMetricsToken() {
        TestServer.Answer answer =
                gw.send("GET", "/.patgate/metrics", with(FAR_AWAY, "Authorization", "Bearer " + gw.readWrite()), null);

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void theSameRulesHoldOverHttp2() {
        assertThat(RawHttp2.send(gw.base(), "GET", "/.patgate/metrics", Map.of(), null)
                        .status())
                .isEqualTo(200);
        assertThat(RawHttp2.send(gw.base(), "GET", "/.patgate/metrics", FAR_AWAY, null)
                        .status())
                .isEqualTo(403);
        assertThat(RawHttp2.send(
                                gw.base(),
                                "GET",
                                "/.patgate/metrics",
                                with(FAR_AWAY, "Authorization", "Bearer " + METRICS_TOKEN),
                                null)
                        .status())
                .isEqualTo(200);
        assertThat(RawHttp2.send(
                                gw.base(),
                                "GET",
                                "/.patgate/metrics",
                                with(FAR_AWAY, "Authorization", "Bearer not-the-metrics-token"),
                                null)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void whenDisabledTheMetricsAreNotThere(@TempDir Path dir) {
        try (RunningGateway disabled = RunningGateway.start(dir, Map.of("PATGATE_METRICS_ENABLED", "false"))) {
            TestServer.Answer answer = disabled.send("GET", "/.patgate/metrics", Map.of(), null);

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("patgate_decisions_total");
        }
    }

    @Test
    void onlyGetAndHeadAreAnswered() {
        TestServer.Answer answer = gw.send("POST", "/.patgate/metrics", Map.of(), "x");

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void theTokenIsMaskedInTheConfigurationDump() {
        String dump = PatgateConfig.load(null, Map.of("PATGATE_METRICS_TOKEN", METRICS_TOKEN))
                .toMaskedYaml();

        assertThat(dump).doesNotContain(METRICS_TOKEN).contains("token: \"******\"");
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return all;
    }
}
