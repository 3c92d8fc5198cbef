package org.patgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH JSON result files ({@code -rf json}), one per run, into a markdown table: per
 * benchmark the median ns/op (median over runs of each run's median iteration), the fastest and
 * slowest iteration, the median bytes allocated per operation ({@code -prof gc}), and the ratio to
 * {@value #FLOOR} measured within each run. Then the acceptance targets, each marked met or
 * missed. Stateless.
 */
public final class JmhReport {

    static final String FLOOR = "bareHmacFloor";
    /** Benchmarks the issue holds to at most this many times the floor. */
    static final Map<String, Double> TARGETS = Map.of("verifyCachedToken", 3.0, "fullDecisionReadOnly", 3.0);
    /**
     * Benchmarks held to a bounded overhead over another one measured in the same run: at most
     * {@link Overhead#maxRatio()} times the {@link Overhead#base()}.
     */
    static final Map<String, Overhead> OVERHEADS = Map.of(
            "fullDecisionWithNativeSwap", new Overhead("fullDecisionReadOnly", 1.10),
            "fullDecisionRateLimited", new Overhead("fullDecisionReadOnly", 1.15));

    /** "At most {@code maxRatio} times {@code base}, both measured in the same run." */
    record Overhead(String base, double maxRatio) {}

    private JmhReport() {}

    /**
     * One benchmark's numbers over all runs (files) given: the median of the per-run medians, the
     * fastest and slowest single iteration, the median bytes/op, and the median over runs of the
     * ratio to the floor <em>of the same run</em> (robust when the machine's load changes between runs);
     * for the benchmarks in {@link #OVERHEADS}, likewise the median over runs of the ratio to their base
     * (NaN for the others).
     */
    record Row(
            String benchmark,
            double medianNs,
            double minNs,
            double maxNs,
            double bytesPerOp,
            double ratioToFloor,
            double ratioToBase) {}

    /** Reads every file as one run. */
    static List<Row> read(List<String> jsonDocuments) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<Double>> runMedians = new LinkedHashMap<>();
        Map<String, List<Double>> runRatios = new LinkedHashMap<>();
        Map<String, List<Double>> baseRatios = new LinkedHashMap<>();
        Map<String, List<Double>> iterations = new LinkedHashMap<>();
        Map<String, List<Double>> bytes = new LinkedHashMap<>();
        for (String json : jsonDocuments) {
            Map<String, Double> medians = new LinkedHashMap<>();
            for (JsonNode result : mapper.readTree(json)) {
                String fullName = result.path("benchmark").asText();
                String name = fullName.substring(fullName.lastIndexOf('.') + 1);
                JsonNode primary = result.path("primaryMetric");
                if (!"ns/op".equals(primary.path("scoreUnit").asText())) {
                    throw new IOException(fullName + " reports "
                            + primary.path("scoreUnit").asText() + ", expected ns/op (AverageTime in nanoseconds)");
                }
                List<Double> raw = raw(primary);
                medians.put(name, Stats.median(raw));
                iterations.computeIfAbsent(name, k -> new ArrayList<>()).addAll(raw);
                JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
                if (!alloc.isMissingNode()) {
                    bytes.computeIfAbsent(name, k -> new ArrayList<>()).addAll(raw(alloc));
                }
            }
            Double floor = medians.get(FLOOR);
            medians.forEach((name, median) -> {
                runMedians.computeIfAbsent(name, k -> new ArrayList<>()).add(median);
                if (floor != null) {
                    runRatios.computeIfAbsent(name, k -> new ArrayList<>()).add(median / floor);
                }
                Overhead overhead = OVERHEADS.get(name);
                Double base = overhead == null ? null : medians.get(overhead.base());
                if (base != null) {
                    baseRatios.computeIfAbsent(name, k -> new ArrayList<>()).add(median / base);
                }
            });
        }
        List<Row> rows = new ArrayList<>();
        runMedians.forEach((name, medians) -> {
            List<Double> all = iterations.get(name);
            rows.add(new Row(
                    name,
                    Stats.median(medians),
                    all.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    all.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    Stats.median(bytes.getOrDefault(name, List.of())),
                    Stats.median(runRatios.getOrDefault(name, List.of())),
                    Stats.median(baseRatios.getOrDefault(name, List.of()))));
        });
        // The floor first: every other row is read against it.
        rows.sort(Comparator.comparing((Row row) -> !row.benchmark().equals(FLOOR)));
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
        StringBuilder out = new StringBuilder();
        out.append("| Benchmark | median ns/op | fastest–slowest iteration | B/op | × ")
                .append(FLOOR)
                .append(" |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            out.append("| `")
                    .append(row.benchmark())
                    .append("` | ")
                    .append(Stats.format(row.medianNs(), 1))
                    .append(" | ")
                    .append(Stats.format(row.minNs(), 0))
                    .append("–")
                    .append(Stats.format(row.maxNs(), 0))
                    .append(" | ")
                    .append(Stats.format(row.bytesPerOp(), 0))
                    .append(" | ")
                    .append(Stats.format(row.ratioToFloor(), 2))
                    .append("× |\n");
        }
        out.append('\n');
        TARGETS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(target -> {
            double ratio = rows.stream()
                    .filter(r -> r.benchmark().equals(target.getKey()))
                    .mapToDouble(Row::ratioToFloor)
                    .findFirst()
                    .orElse(Double.NaN);
            String verdict = Double.isNaN(ratio) ? "not measured" : ratio <= target.getValue() ? "met" : "MISSED";
            out.append("- Target `")
                    .append(target.getKey())
                    .append("` ≤ ")
                    .append(Stats.format(target.getValue(), 0))
                    .append("× `")
                    .append(FLOOR)
                    .append("`: ")
                    .append(Stats.format(ratio, 2))
                    .append("× — ")
                    .append(verdict)
                    .append('\n');
        });
        OVERHEADS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(target -> {
            Overhead overhead = target.getValue();
            double ratio = rows.stream()
                    .filter(r -> r.benchmark().equals(target.getKey()))
                    .mapToDouble(Row::ratioToBase)
                    .findFirst()
                    .orElse(Double.NaN);
            out.append("- Target `")
                    .append(target.getKey())
                    .append("` ≤ ")
                    .append(Stats.format(overhead.maxRatio(), 2))
                    .append("× `")
                    .append(overhead.base())
                    .append("` (overhead ≤ ")
                    .append(Stats.format((overhead.maxRatio() - 1) * 100, 0))
                    .append(" %), median over runs of the ratio in the same run: ");
            if (Double.isNaN(ratio)) {
                out.append("not measured\n");
                return;
            }
            out.append(Stats.format(ratio, 3))
                    .append("× (")
                    .append(ratio >= 1 ? "+" : "")
                    .append(Stats.format((ratio - 1) * 100, 1))
                    .append(" %) — ")
                    .append(ratio <= overhead.maxRatio() ? "met" : "MISSED")
                    .append('\n');
        });
        return out.toString();
    }

    /** The markdown section for these JMH result files (JSON, one per run). */
    public static String markdown(List<Path> resultFiles) throws IOException {
        List<String> documents = new ArrayList<>();
        for (Path file : resultFiles) {
            documents.add(Files.readString(file));
        }
        return render(read(documents));
    }
}
