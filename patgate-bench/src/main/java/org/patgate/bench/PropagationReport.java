package org.patgate.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The markdown of the change propagation benchmark's section. Stateless. */
final class PropagationReport {

    /** The acceptance target: a revocation on one node refused on the others within this, at p99. */
    static final double TARGET_P99_MILLIS = 1000;

    private PropagationReport() {}

    static String markdown(
            String postgresVersion, int revocations, List<Double> revokeCalls, List<Double> onB, List<Double> onC) {
        List<Double> both = new ArrayList<>(onB);
        both.addAll(onC);
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%,d revocations on node A; PostgreSQL %s. Times in milliseconds from sending the revocation "
                        + "to A until the node refuses the token.%n%n",
                revocations,
                postgresVersion));
        out.append("| measured | n | p50 | p99 | max |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        row(out, "node B refuses the revoked token", onB);
        row(out, "node C refuses the revoked token", onC);
        row(out, "nodes B and C together", both);
        row(out, "for comparison: A answers the revocation (`DELETE /tokens/{id}`)", revokeCalls);
        double p99 = percentile(both, 99);
        out.append(String.format(
                Locale.ROOT,
                "%n**Target**: p99 ≤ %.0f ms on the other nodes: %s (%s ms).%n",
                TARGET_P99_MILLIS,
                p99 <= TARGET_P99_MILLIS ? "met" : "missed",
                Stats.format(p99, 1)));
        return out.toString();
    }

    private static void row(StringBuilder out, String what, List<Double> values) {
        out.append(String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s |%n",
                what,
                values.size(),
                Stats.format(percentile(values, 50), 1),
                Stats.format(percentile(values, 99), 1),
                Stats.format(percentile(values, 100), 1)));
    }

    /** Nearest-rank percentile; NaN when empty. */
    static double percentile(List<Double> values, double percent) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }
}
