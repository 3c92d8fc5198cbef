package org.patgate.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * {@code /.patgate/metrics} scraped over loopback from a running node (on the data plane the test run
 * selects) and read by the reference Prometheus parsers: every sample parses, and known traffic shows
 * in the expected families. The Grafana dashboard in docs asks only for families a scrape really has.
 */
class MetricsScrapeTest {

    static final Path DASHBOARD = Path.of("../docs/grafana-dashboard.json");
    static final Path ADMIN_GUIDE = Path.of("../docs/admin-guide.md");

    /** A metric name in PromQL: the families PATgate serves start with one of these prefixes. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:patgate|jvm|hikaricp|process)_[a-z0-9_]+");

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @Test
    void everySampleParsesAndKnownTrafficIsCounted() {
        String revoked = revokedToken();
        List<PrometheusParser.Sample> before =
                PrometheusParser.parse(scrape(Map.of()).body(), false);

        for (int i = 0; i < 3; i++) {
            assertThat(gw.bearer("GET", "/rest/api/2/issue/A-" + i, gw.readWrite())
                            .status())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(gw.bearer("GET", "/rest/api/2/issue/B-" + i, revoked).status())
                    .isEqualTo(401);
        }
        // A data plane counts an exchange when it ends, which may be just after the client has its answer;
        // the exchange timers are the last meters an exchange touches.
        List<PrometheusParser.Sample> after =
                scrapeUntil(samples -> exchanges(samples, "forwarded") - exchanges(before, "forwarded") >= 3
                        && exchanges(samples, "refused") - exchanges(before, "refused") >= 2);

        assertThat(decisions(after, "forwarded", "none") - decisions(before, "forwarded", "none"))
                .isEqualTo(3);
        assertThat(decisions(after, "refused", "token-revoked") - decisions(before, "refused", "token-revoked"))
                .isEqualTo(2);
        assertThat(decisions(after, "refused", "rate-limited")).isZero();
        assertThat(value(after, "patgate_exchange_duration_seconds_count", Map.of("outcome", "forwarded"))
                        - value(before, "patgate_exchange_duration_seconds_count", Map.of("outcome", "forwarded")))
                .isEqualTo(3);
        assertThat(value(after, "patgate_exchange_duration_seconds_count", Map.of("outcome", "refused"))
                        - value(before, "patgate_exchange_duration_seconds_count", Map.of("outcome", "refused")))
                .isEqualTo(2);
        assertThat(value(after, "patgate_upstream_duration_seconds_count", Map.of())
                        - value(before, "patgate_upstream_duration_seconds_count", Map.of()))
                .isEqualTo(3);
        assertThat(value(after, "patgate_decision_duration_seconds_count", Map.of())
                        - value(before, "patgate_decision_duration_seconds_count", Map.of()))
                .isGreaterThanOrEqualTo(5);
        assertThat(value(after, "patgate_decision_duration_seconds_bucket", Map.of("le", "+Inf")))
                .isEqualTo(value(after, "patgate_decision_duration_seconds_count", Map.of()));
        // Each token's first use asks the store (a new token, a revoked one forgotten); the rest hit memory.
        assertThat(value(after, "patgate_token_cache_misses_total", Map.of())
                        - value(before, "patgate_token_cache_misses_total", Map.of()))
                .isEqualTo(2);
        assertThat(value(after, "patgate_token_cache_hits_total", Map.of())
                        - value(before, "patgate_token_cache_hits_total", Map.of()))
                .isEqualTo(3);
        assertThat(value(after, "patgate_token_store_lookups_total", Map.of())
                        - value(before, "patgate_token_store_lookups_total", Map.of()))
                .isEqualTo(2);
        assertThat(families(after))
                .contains(
                        "patgate_activity_queue_size",
                        "patgate_activity_written",
                        "patgate_activity_dropped",
                        "hikaricp_connections_active",
                        "hikaricp_connections_max",
                        "jvm_memory_used_bytes",
                        "jvm_gc_max_data_size_bytes",
                        "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes",
                        "process_cpu_usage",
                        "process_uptime_seconds");
        assertThat(value(after, "jvm_memory_used_bytes", Map.of("area", "heap", "id", anyHeapPool(after))))
                .isPositive();
        if (TestServer.DATA_PLANE.equals("netty")) {
            assertThat(families(after))
                    .contains("patgate_dataplane_upstream_connections", "patgate_dataplane_websockets");
        }
    }

    @Test
    void openMetricsIsServedWhenAskedForAndParses() {
        TestServer.Answer answer = scrape(Map.of("Accept", "application/openmetrics-text; version=1.0.0"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/openmetrics-text");
        assertThat(answer.body()).endsWith("# EOF\n");
        assertThat(families(PrometheusParser.parse(answer.body(), true)))
                .contains("patgate_decisions", "patgate_decision_duration_seconds", "jvm_memory_used_bytes");
    }

    @Test
    void prometheusTextIsTheDefault() {
        TestServer.Answer answer = scrape(Map.of("Accept", "*/*"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void everyDashboardQueryNamesOnlyServedMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> served = PrometheusParser.parse(scrape(Map.of()).body(), false).stream()
                .map(PrometheusParser.Sample::name)
                .collect(Collectors.toSet());

        assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                List<String> names = METRIC_NAME
                        .matcher(expr)
                        .results()
                        .map(MatchResult::group)
                        .toList();
                assertThat(names).as("metrics in %s", expr).isNotEmpty();
                assertThat(served).as("metrics served, for %s", expr).containsAll(names);
            }
        }
        String everyQuery = dashboard.findValuesAsText("expr").toString();
        assertThat(everyQuery)
                .contains(
                        "patgate_decisions_total",
                        "rate-limited",
                        "patgate_decision_duration_seconds_bucket",
                        "patgate_exchange_duration_seconds_bucket",
                        "patgate_token_cache_hits_total",
                        "patgate_activity_dropped_total",
                        "hikaricp_connections_active",
                        "jvm_memory_used_bytes");
    }

    @Test
    void theAdminGuideListsEveryPatgateFamilyAndItsScrapeJobReachesTheMetrics() throws IOException {
        String guide = Files.readString(ADMIN_GUIDE);
        String monitoring = guide.substring(guide.indexOf("## Monitoring"));
        Set<String> served = PrometheusParser.parse(scrape(Map.of()).body(), false).stream()
                .filter(s -> s.family().startsWith("patgate_"))
                .map(s -> s.type().equals("counter") ? s.family() + "_total" : s.family())
                .collect(Collectors.toSet());
        if (!TestServer.DATA_PLANE.equals("netty")) {
            served.addAll(List.of("patgate_dataplane_upstream_connections", "patgate_dataplane_websockets"));
        }
        Set<String> documented = Pattern.compile("(?m)^\\| `(patgate_[a-z_]+)`")
                .matcher(monitoring)
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());

        assertThat(documented).isEqualTo(served);

        // The Prometheus job is fenced as yml: yaml blocks of the guide are PATgate configurations.
        Matcher job = Pattern.compile("(?ms)^```yml\\n(.*?)^```$").matcher(monitoring);
        assertThat(job.find())
                .as("a Prometheus scrape job in the Monitoring section")
                .isTrue();
        JsonNode scrapeJob =
                new YAMLMapper().readTree(job.group(1)).get("scrape_configs").get(0);
        assertThat(scrapeJob.get("authorization").get("type").asText()).isEqualTo("Bearer");
        String path = scrapeJob.get("metrics_path").asText();
        assertThat(path).isEqualTo(MetricsHandler.PATH);
        assertThat(gw.send("GET", path, Map.of(), null).status()).isEqualTo(200);
    }

    /** Scrapes until {@code done} holds, for at most ten seconds; answers the last scrape. */
    private static List<PrometheusParser.Sample> scrapeUntil(Predicate<List<PrometheusParser.Sample>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<PrometheusParser.Sample> samples =
                PrometheusParser.parse(scrape(Map.of()).body(), false);
        while (!done.test(samples) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            samples = PrometheusParser.parse(scrape(Map.of()).body(), false);
        }
        return samples;
    }

    private static TestServer.Answer scrape(Map<String, String> headers) {
        return gw.send("GET", "/.patgate/metrics", headers, null);
    }

    /** A token of alice's, revoked. */
    private static String revokedToken() {
        var created = gw.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "to-revoke", "scope", "read-only"));
        TestServer.Answer revoked = gw.server.call(
                "DELETE",
                "/.patgate/api/v1/tokens/" + created.get("id").asText(),
                "alice",
                RunningGateway.ALICE_PASSWORD,
                null);
        assertThat(revoked.status()).isEqualTo(204);
        return created.get("token").asText();
    }

    private static double exchanges(List<PrometheusParser.Sample> samples, String outcome) {
        return value(samples, "patgate_exchange_duration_seconds_count", Map.of("outcome", outcome));
    }

    private static double decisions(List<PrometheusParser.Sample> samples, String outcome, String reason) {
        return value(samples, "patgate_decisions_total", Map.of("outcome", outcome, "reason", reason));
    }

    /** The one sample of {@code name} whose labels include {@code labels}; 0 when there is none. */
    static double value(List<PrometheusParser.Sample> samples, String name, Map<String, String> labels) {
        List<PrometheusParser.Sample> matching = samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        assertThat(matching).as("samples of %s %s", name, labels).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? 0 : matching.getFirst().value();
    }

    static List<String> families(List<PrometheusParser.Sample> samples) {
        return samples.stream().map(PrometheusParser.Sample::family).distinct().toList();
    }

    private static String anyHeapPool(List<PrometheusParser.Sample> samples) {
        return samples.stream()
                .filter(s -> s.name().equals("jvm_memory_used_bytes")
                        && "heap".equals(s.labels().get("area")))
                .map(s -> s.labels().get("id"))
                .findFirst()
                .orElseThrow();
    }
}
