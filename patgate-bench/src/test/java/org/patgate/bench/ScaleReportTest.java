package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.patgate.bench.LatencyProbe.Latencies;
import org.patgate.bench.ScaleReport.StartupRuns;
import org.patgate.bench.ScaleReport.StoreRun;
import org.patgate.bench.StartupProbe.Startup;

class ScaleReportTest {

    /** 1..n microseconds, as nanoseconds. */
    private static long[] microsUpTo(long n) {
        return LongStream.rangeClosed(1, n).map(micros -> micros * 1000).toArray();
    }

    private static StoreRun store(
            String title, long coldMaxMicros, long smallHeapMib, long largeHeapMib, long startupMillis) {
        return new StoreRun(
                title,
                "Seeded for the test.",
                new Latencies(microsUpTo(100), microsUpTo(coldMaxMicros), microsUpTo(200)),
                List.of(
                        new StartupRuns(1000, List.of(new Startup(startupMillis, 900, smallHeapMib << 20))),
                        new StartupRuns(
                                1_000_000,
                                List.of(
                                        new Startup(startupMillis + 100, 950, largeHeapMib << 20),
                                        new Startup(startupMillis + 300, 990, largeHeapMib << 20)))));
    }

    @Test
    void percentilesUseTheNearestRank() {
        long[] nanos = microsUpTo(100);
        assertThat(LatencyProbe.percentileMicros(nanos, 50)).isEqualTo(50.0);
        assertThat(LatencyProbe.percentileMicros(nanos, 99)).isEqualTo(99.0);
        assertThat(LatencyProbe.percentileMicros(nanos, 100)).isEqualTo(100.0);
        assertThat(LatencyProbe.percentileMicros(new long[0], 50)).isNaN();
    }

    @Test
    void tablesShowPercentilesSampleCountsAndStartupsPerStoreSize() {
        String markdown = ScaleReport.markdown(List.of(store("PostgreSQL 14 (test)", 1000, 20, 20, 2000)));

        assertThat(markdown)
                .contains("### PostgreSQL 14 (test)", "Seeded for the test.")
                .contains("| hot: the same stored token again (cache hit) | 100 | 50.0 | 90.0 | 99.0 | 100 | 0.020 |")
                .contains(
                        "| cold: a stored token not seen since start (cache miss, store lookup) | 1000 | 500 | 900 | 990 | 1000 | 0.198 |")
                .contains("| 1,000 | 1 | 2000 | 2000–2000 | 900 | 20.0 |")
                .contains("| 1,000,000 | 2 | 2200 | 2100–2300 | 970 | 20.0 |");
    }

    @Test
    void targetsMetAreMarkedMet() {
        String targets = ScaleReport.targets(List.of(store("PostgreSQL 14 (test)", 4000, 20, 21, 2000)));

        assertThat(targets)
                .contains("Cold-token check p99 ≤ 5 ms (PostgreSQL): 3.96 ms, 79 % of the target — **met**")
                .contains("Start-up ≤ 3 s with 1,000,000 tokens (PostgreSQL): 2.20 s — **met**")
                .contains("(PostgreSQL): 20.0 MiB with 1,000 tokens, 21.0 MiB with 1,000,000 — **met**")
                .doesNotContain("missed");
    }

    @Test
    void slowColdChecksSlowStartsAndGrowingHeapAreMarkedMissed() {
        String targets = ScaleReport.targets(List.of(store("H2 2.5 (test)", 6000, 20, 60, 4000)));

        assertThat(targets)
                .contains("Cold-token check p99 ≤ 5 ms (H2): 5.94 ms, 119 % of the target — **missed**"
                        + " (the issue sets this target for PostgreSQL)")
                .contains("Start-up ≤ 3 s with 1,000,000 tokens (H2): 4.20 s — **missed**")
                .contains("20.0 MiB with 1,000 tokens, 60.0 MiB with 1,000,000 — **missed**");
    }

    @Test
    void heapIsIndependentWithinTenPercentAndTwoMebibytes() {
        assertThat(ScaleReport.heapIndependent(20, 24)).isTrue();
        assertThat(ScaleReport.heapIndependent(20, 24.1)).isFalse();
        assertThat(ScaleReport.heapIndependent(Double.NaN, 20)).isFalse();
    }
}
