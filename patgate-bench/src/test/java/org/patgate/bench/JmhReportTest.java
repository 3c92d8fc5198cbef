package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JmhReportTest {

    private static String result(String name, String unit, String raw, String allocRaw) {
        return """
                {"benchmark":"org.patgate.bench.X.%s","mode":"avgt",
                 "primaryMetric":{"score":1.0,"scoreError":0.5,"scoreUnit":"%s","rawData":%s},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":1.0,"scoreUnit":"B/op","rawData":%s}}}
                """.formatted(name, unit, raw, allocRaw);
    }

    @Test
    void medianIsOverRunsOfEachRunsMedianIteration() throws IOException {
        String first = "[" + result("bareHmacFloor", "ns/op", "[[100,300],[200]]", "[[48,48],[48]]") + "]";
        String second = "[" + result("bareHmacFloor", "ns/op", "[[1000,900]]", "[[48,48]]") + "]";
        String third = "[" + result("bareHmacFloor", "ns/op", "[[400]]", "[[48]]") + "]";

        List<JmhReport.Row> rows = JmhReport.read(List.of(first, second, third));

        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.medianNs()).isEqualTo(400.0); // of the run medians 200, 950, 400
            assertThat(row.minNs()).isEqualTo(100.0);
            assertThat(row.maxNs()).isEqualTo(1000.0);
            assertThat(row.bytesPerOp()).isEqualTo(48.0);
        });
    }

    @Test
    void ratioIsTakenWithinEachRunSoALoadedRunDoesNotSkewIt() throws IOException {
        String quiet = "[" + result("bareHmacFloor", "ns/op", "[[200]]", "[[48]]") + ","
                + result("verifyCachedToken", "ns/op", "[[400]]", "[[128]]") + "]";
        String loaded = "[" + result("bareHmacFloor", "ns/op", "[[1000]]", "[[48]]") + ","
                + result("verifyCachedToken", "ns/op", "[[2000]]", "[[128]]") + "]";

        List<JmhReport.Row> rows = JmhReport.read(List.of(quiet, loaded, quiet));

        assertThat(rows)
                .filteredOn(row -> row.benchmark().equals("verifyCachedToken"))
                .singleElement()
                .satisfies(row -> assertThat(row.ratioToFloor()).isEqualTo(2.0));
    }

    @Test
    void ratiosAreToTheFloorAndMissedTargetsAreMarked() throws IOException {
        String json = "[" + result("verifyCachedToken", "ns/op", "[[500]]", "[[128]]") + ","
                + result("bareHmacFloor", "ns/op", "[[200]]", "[[48]]") + ","
                + result("fullDecisionReadOnly", "ns/op", "[[700]]", "[[150]]") + "]";

        String table = JmhReport.render(JmhReport.read(List.of(json)));

        assertThat(table).contains("| `verifyCachedToken` | 500.0 | 500–500 | 128 | 2.50× |");
        assertThat(table).contains("Target `verifyCachedToken` ≤ 3× `bareHmacFloor`: 2.50× — met");
        assertThat(table).contains("Target `fullDecisionReadOnly` ≤ 3× `bareHmacFloor`: 3.50× — MISSED");
        assertThat(table.indexOf("`bareHmacFloor` |"))
                .as("floor row first")
                .isLessThan(table.indexOf("`verifyCachedToken` |"));
    }

    @Test
    void swapOverheadIsTheRatioToTheDecisionWithinEachRunAndIsHeldToTenPercent() throws IOException {
        String quiet = "[" + result("fullDecisionReadOnly", "ns/op", "[[500]]", "[[208]]") + ","
                + result("fullDecisionWithNativeSwap", "ns/op", "[[540]]", "[[240]]") + "]";
        String loaded = "[" + result("fullDecisionReadOnly", "ns/op", "[[1000]]", "[[208]]") + ","
                + result("fullDecisionWithNativeSwap", "ns/op", "[[1300]]", "[[240]]") + "]";

        List<JmhReport.Row> rows = JmhReport.read(List.of(quiet, loaded, quiet));
        String table = JmhReport.render(rows);

        assertThat(rows)
                .filteredOn(row -> row.benchmark().equals("fullDecisionWithNativeSwap"))
                .singleElement()
                .satisfies(row -> assertThat(row.ratioToBase()).isEqualTo(1.08));
        assertThat(table)
                .contains("Target `fullDecisionWithNativeSwap` ≤ 1.10× `fullDecisionReadOnly` (overhead ≤ 10 %)")
                .contains(": 1.080× (+8.0 %) — met");
        assertThat(JmhReport.render(JmhReport.read(List.of(loaded)))).contains(": 1.300× (+30.0 %) — MISSED");
        assertThat(JmhReport.render(
                        JmhReport.read(List.of("[" + result("bareHmacFloor", "ns/op", "[[1]]", "[[1]]") + "]"))))
                .contains("Target `fullDecisionWithNativeSwap` ≤ 1.10× `fullDecisionReadOnly` (overhead ≤ 10 %),"
                        + " median over runs of the ratio in the same run: not measured");
    }

    @Test
    void resultsInAnotherUnitAreRefused() {
        String json = "[" + result("bareHmacFloor", "ops/s", "[[1]]", "[[1]]") + "]";

        assertThatThrownBy(() -> JmhReport.read(List.of(json))).hasMessageContaining("expected ns/op");
    }
}
