package org.patgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH JSON result files ({@code -rf json}) into a markdown table: per benchmark the median
 * ns/op over every measured iteration of every fork and file, the JMH score ± error, the median
 * bytes allocated per operation ({@code -prof gc}), and the ratio to {@value #FLOOR}. Then the
 * acceptance targets, each marked met or missed. Stateless.
 */
public final class JmhReport {

    static final String FLOOR = "bareHmacFloor";
    /** Benchmarks the issue holds to at most this many times the floor. */
    static final Map<String, Double> TARGETS = Map.of("verifyCachedToken", 3.0, "fullDecisionReadOnly", 3.0);

    private JmhReport() {}

    /** One benchmark's numbers, merged over all files given. */
    record Row(String benchmark, double medianNs, double score, double error, double bytesPerOp) {}

    /** Reads all files; a benchmark that appears in several is merged (raw iterations pooled). */
    static List<Row> read(List<String> jsonDocuments) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> bytes = new LinkedHashMap<>();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (String json : jsonDocuments) {
            for (JsonNode result : mapper.readTree(json)) {
                String fullName = result.path("benchmark").asText();
                String name = fullName.substring(fullName.lastIndexOf('.') + 1);
                JsonNode primary = result.path("primaryMetric");
                if (!"ns/op".equals(primary.path("scoreUnit").asText())) {
                    throw new IOException(fullName + " reports " + primary.path("scoreUnit").asText()
                            + ", expected ns/op (AverageTime in nanoseconds)");
                }
                times.computeIfAbsent(name, k -> new ArrayList<>()).addAll(raw(primary));
                scores.put(name, new double[] {primary.path("score").asDouble(), primary.path("scoreError").asDouble()});
                JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
                if (!alloc.isMissingNode()) {
                    bytes.computeIfAbsent(name, k -> new ArrayList<>()).addAll(raw(alloc));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        times.forEach((name, values) -> rows.add(new Row(name, Stats.median(values), scores.get(name)[0],
                scores.get(name)[1], Stats.median(bytes.getOrDefault(name, List.of())))));
        // The floor first: every other row is read against it.
        rows.sort(java.util.Comparator.comparing((Row row) -> !row.benchmark().equals(FLOOR)));
        return rows;
    }

    private static List<Double> raw(JsonNode metric) {
        List<Double> values = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                values.add(iteration.asDouble());
            }
        }
        return values;
    }

    /** The markdown section: table, then one line per target. */
    static String render(List<Row> rows) {
        double floor = rows.stream().filter(r -> r.benchmark().equals(FLOOR)).mapToDouble(Row::medianNs)
                .findFirst().orElse(Double.NaN);
        StringBuilder out = new StringBuilder();
        out.append("| Benchmark | median ns/op | JMH score ± error | B/op | × ").append(FLOOR).append(" |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            out.append("| `").append(row.benchmark()).append("` | ").append(Stats.format(row.medianNs(), 1))
                    .append(" | ").append(Stats.format(row.score(), 1)).append(" ± ").append(Stats.format(row.error(), 1))
                    .append(" | ").append(Stats.format(row.bytesPerOp(), 0))
                    .append(" | ").append(Stats.ratio(row.medianNs(), floor)).append(" |\n");
        }
        out.append('\n');
        TARGETS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(target -> {
            double measured = rows.stream().filter(r -> r.benchmark().equals(target.getKey()))
                    .mapToDouble(Row::medianNs).findFirst().orElse(Double.NaN);
            double ratio = measured / floor;
            String verdict = Double.isNaN(ratio) ? "not measured" : ratio <= target.getValue() ? "met" : "MISSED";
            out.append("- Target `").append(target.getKey()).append("` ≤ ").append(Stats.format(target.getValue(), 0))
                    .append("× `").append(FLOOR).append("`: ").append(Stats.ratio(measured, floor))
                    .append(" — ").append(verdict).append('\n');
        });
        return out.toString();
    }

    /** {@code JmhReport RESULT.json...}: prints the markdown section to standard output. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JmhReport RESULT.json...");
            System.exit(2);
        }
        List<String> documents = new ArrayList<>();
        for (String file : args) {
            documents.add(Files.readString(Path.of(file)));
        }
        System.out.print(render(read(documents)));
    }
}
