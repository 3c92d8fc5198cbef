package org.patgate.server.metrics;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference Prometheus parsers (Python's {@code prometheus_client}: the text 0.0.4 parser and the
 * OpenMetrics parser) run on scraped text in a subprocess. A text either parses whole into samples or
 * the parse fails the test. Tests abort (skip) where the package is not installed; CI installs it.
 */
final class PrometheusParser {

    /** One sample as the parser read it. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

    private static final String SCRIPT = """
            import json, sys
            text = sys.stdin.read()
            if sys.argv[1] == 'openmetrics':
                from prometheus_client.openmetrics.parser import text_string_to_metric_families
            else:
                from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    out.append({'family': family.name, 'type': family.type, 'name': s.name,
                                'labels': s.labels, 'value': s.value})
            print(json.dumps(out))
            """;

    // NaN and infinities are valid sample values; Python's json writes them bare.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private PrometheusParser() {}

    /** Every sample of {@code text}; {@code openMetrics} picks the OpenMetrics parser. */
    static List<Sample> parse(String text, boolean openMetrics) {
        String python = python();
        try {
            Process process = new ProcessBuilder(python, "-c", SCRIPT, openMetrics ? "openmetrics" : "text").start();
            try (var in = process.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("the Prometheus parser refused the scrape: "
                        + new String(err, StandardCharsets.UTF_8) + "\n--- scraped text ---\n" + text);
            }
            List<Sample> samples = new ArrayList<>();
            for (JsonNode node : JSON.readTree(out)) {
                Map<String, String> labels = new TreeMap<>();
                node.get("labels")
                        .properties()
                        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(
                        node.get("family").asText(),
                        node.get("type").asText(),
                        node.get("name").asText(),
                        labels,
                        node.get("value").asDouble()));
            }
            return samples;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + python + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A Python 3 that has {@code prometheus_client}: Debian's first (python3-prometheus-client). */
    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import prometheus_client")
                        .redirectErrorStream(true)
                        .start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        Assumptions.abort("python3 with prometheus_client (Debian: python3-prometheus-client) is not installed");
        throw new AssertionError("unreachable");
    }
}
