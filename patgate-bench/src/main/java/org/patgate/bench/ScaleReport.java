package org.patgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.patgate.bench.LatencyProbe.Latencies;
import org.patgate.bench.StartupProbe.Startup;

/**
 * Turns the scale benchmark's measurements into the markdown of the "Scale" section: per store a
 * latency table (p50/p90/p99/max in microseconds and the p99 against the 5 ms target) and a
 * start-up table (small versus large store), then the targets, each marked met or missed.
 * Stateless.
 */
final class ScaleReport {

    static final double COLD_P99_TARGET_MICROS = 5_000;
    static final long STARTUP_TARGET_MILLIS = 3_000;

    /** Start-ups of one database: how many tokens it held and each measured start. */
    record StartupRuns(int tokens, List<Startup> runs) {
        double medianMillis() {
            return Stats.median(
                    runs.stream().map(run -> (double) run.millisToHealthy()).toList());
        }

        double medianCpuMillis() {
            return Stats.median(runs.stream()
                    .filter(run -> run.cpuMillisToHealthy() >= 0)
                    .map(run -> (double) run.cpuMillisToHealthy())
                    .toList());
        }

        double medianHeapMib() {
            List<Double> heaps = runs.stream()
                    .filter(run -> run.heapUsedBytes() >= 0)
                    .map(run -> run.heapUsedBytes() / 1048576.0)
                    .toList();
            return Stats.median(heaps);
        }
    }

    /** Everything measured on one store. */
    record StoreRun(String title, String seeding, Latencies latencies, List<StartupRuns> startups) {}

    private ScaleReport() {}

    static String markdown(List<StoreRun> stores) {
        StringBuilder out = new StringBuilder();
        for (StoreRun store : stores) {
            out.append("### ")
                    .append(store.title())
                    .append("\n\n")
                    .append(store.seeding())
                    .append("\n\n");
            out.append(
                    "| check (`TokenVerifier.verify`, in process) | samples | p50 µs | p90 µs | p99 µs | max µs | p99 / 5 ms |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|\n");
            latencyRow(
                    out,
                    "hot: the same stored token again (cache hit)",
                    store.latencies().hot());
            latencyRow(
                    out,
                    "cold: a stored token not seen since start (cache miss, store lookup)",
                    store.latencies().cold());
            latencyRow(
                    out,
                    "unknown: well-formed, valid checksum, not stored (miss, lookup finds nothing)",
                    store.latencies().unknown());
            out.append("\n| tokens in the store | starts | start-up to healthy, median ms | min–max ms"
                    + " | server CPU until healthy, median ms | heap used after start + full GC, median MiB |\n");
            out.append("|---:|---:|---:|---:|---:|---:|\n");
            for (StartupRuns runs : store.startups()) {
                LongSummary millis = LongSummary.of(
                        runs.runs().stream().mapToLong(Startup::millisToHealthy).toArray());
                out.append("| ")
                        .append(thousands(runs.tokens()))
                        .append(" | ")
                        .append(runs.runs().size())
                        .append(" | ")
                        .append(Stats.format(runs.medianMillis(), 0))
                        .append(" | ")
                        .append(millis.min())
                        .append("–")
                        .append(millis.max())
                        .append(" | ")
                        .append(Stats.format(runs.medianCpuMillis(), 0))
                        .append(" | ")
                        .append(Stats.format(runs.medianHeapMib(), 1))
                        .append(" |\n");
            }
            out.append('\n');
        }
        out.append(targets(stores));
        return out.toString().strip() + "\n";
    }

    /** The targets, judged on the measured numbers. */
    static String targets(List<StoreRun> stores) {
        List<String> lines = new ArrayList<>();
        for (StoreRun store : stores) {
            String name = store.title().split(" ")[0];
            double coldP99 = LatencyProbe.percentileMicros(store.latencies().cold(), 99);
            lines.add("- Cold-token check p99 ≤ 5 ms (" + name + "): " + Stats.format(coldP99 / 1000, 2) + " ms, "
                    + Stats.format(coldP99 / COLD_P99_TARGET_MICROS * 100, 0) + " % of the target — "
                    + verdict(coldP99 <= COLD_P99_TARGET_MICROS)
                    + (name.startsWith("PostgreSQL") ? "" : " (the issue sets this target for PostgreSQL)"));
            StartupRuns largest = store.startups().getLast();
            lines.add("- Start-up ≤ 3 s with " + thousands(largest.tokens()) + " tokens (" + name + "): "
                    + Stats.format(largest.medianMillis() / 1000, 2) + " s — "
                    + verdict(largest.medianMillis() <= STARTUP_TARGET_MILLIS));
            if (store.startups().size() > 1) {
                StartupRuns smallest = store.startups().getFirst();
                double small = smallest.medianHeapMib();
                double large = largest.medianHeapMib();
                lines.add("- Heap after start independent of the token count (" + name + "): "
                        + Stats.format(small, 1) + " MiB with " + thousands(smallest.tokens()) + " tokens, "
                        + Stats.format(large, 1) + " MiB with " + thousands(largest.tokens()) + " — "
                        + verdict(heapIndependent(small, large)));
            }
        }
        return "**Targets** (heap counts as independent when the large store's is within 10 % + 2 MiB of the"
                + " small store's):\n\n" + String.join("\n", lines) + "\n";
    }

    static boolean heapIndependent(double smallMib, double largeMib) {
        return !Double.isNaN(smallMib) && !Double.isNaN(largeMib) && largeMib <= smallMib * 1.1 + 2;
    }

    private static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }

    private static void latencyRow(StringBuilder out, String label, long[] nanos) {
        double p99 = LatencyProbe.percentileMicros(nanos, 99);
        out.append("| ")
                .append(label)
                .append(" | ")
                .append(nanos.length)
                .append(" | ")
                .append(micros(LatencyProbe.percentileMicros(nanos, 50)))
                .append(" | ")
                .append(micros(LatencyProbe.percentileMicros(nanos, 90)))
                .append(" | ")
                .append(micros(p99))
                .append(" | ")
                .append(micros(LatencyProbe.percentileMicros(nanos, 100)))
                .append(" | ")
                .append(Stats.format(p99 / COLD_P99_TARGET_MICROS, 3))
                .append(" |\n");
    }

    private static String micros(double value) {
        return Stats.format(value, value < 10 ? 2 : value < 100 ? 1 : 0);
    }

    static String thousands(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private record LongSummary(long min, long max) {
        static LongSummary of(long[] values) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long value : values) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            return values.length == 0 ? new LongSummary(0, 0) : new LongSummary(min, max);
        }
    }
}
