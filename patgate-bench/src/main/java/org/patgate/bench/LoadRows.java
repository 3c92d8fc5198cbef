package org.patgate.bench;

import java.util.List;
import java.util.Optional;

/**
 * The lines of the load report that compare cases: ratio rows of the markdown table (one column per
 * connection count), proxy-CPU-per-request rows and target verdicts, all from the medians in
 * {@link LoadReport.Summary}. A missing case gives "n/a", never an error. Stateless.
 */
final class LoadRows {

    private LoadRows() {}

    /** A row of median ratios, req/s or (with {@code p99}) p99 latency, numerator over denominator. */
    static void ratioRow(
            StringBuilder out,
            List<LoadReport.Summary> summaries,
            List<Integer> connectionCounts,
            String label,
            String numerator,
            String denominator,
            boolean p99) {
        out.append("| ").append(label).append(" |");
        for (int c : connectionCounts) {
            out.append(' ')
                    .append(Stats.ratio(value(summaries, numerator, c, p99), value(summaries, denominator, c, p99)))
                    .append(" |");
        }
        out.append('\n');
    }

    /**
     * Proxy CPU per request of one case against another: the cost that does not depend on who else
     * uses the CPUs. Left out when the denominator was not run.
     */
    static void cpuRow(
            StringBuilder out,
            List<LoadReport.Summary> summaries,
            List<Integer> connectionCounts,
            String numerator,
            String denominator) {
        if (summaries.stream().noneMatch(s -> s.caseName().equals(denominator))) {
            return;
        }
        out.append("| proxy CPU per request ")
                .append(numerator)
                .append(" / ")
                .append(denominator)
                .append(" |");
        for (int c : connectionCounts) {
            out.append(' ')
                    .append(Stats.ratio(cpu(summaries, numerator, c), cpu(summaries, denominator, c)))
                    .append(" |");
        }
        out.append('\n');
    }

    static double cpu(List<LoadReport.Summary> summaries, String caseName, int connections) {
        return summaries.stream()
                .filter(s -> s.caseName().equals(caseName) && s.connections() == connections)
                .findFirst()
                .map(LoadReport.Summary::cpuMicrosPerRequest)
                .orElse(Double.NaN);
    }

    static void target(StringBuilder out, String what, double ratio, double limit, boolean atLeast) {
        String verdict =
                Double.isNaN(ratio) ? "not measured" : (atLeast ? ratio >= limit : ratio <= limit) ? "met" : "MISSED";
        out.append("- Target: ")
                .append(what)
                .append(": ")
                .append(Stats.format(ratio, 2))
                .append("× — ")
                .append(verdict)
                .append('\n');
    }

    static double value(List<LoadReport.Summary> summaries, String caseName, int connections, boolean p99) {
        Optional<LoadReport.Summary> found = summaries.stream()
                .filter(s -> s.caseName().equals(caseName) && s.connections() == connections)
                .findFirst();
        return found.map(s -> p99 ? s.p99Ms() : s.requestsPerSecond()).orElse(Double.NaN);
    }

    /**
     * Issue 13 asks for the TLS case to be reported, without a target: PATgate's Netty plane over
     * TLS against nginx over TLS with the same certificate, and which TLS engine each used.
     */
    static void tlsLine(StringBuilder out, List<LoadReport.Summary> summaries, int connections) {
        out.append("- TLS (reported, no target) at c=")
                .append(connections)
                .append(": netty-tls ")
                .append(Stats.ratio(
                        value(summaries, "netty-tls", connections, false),
                        value(summaries, "nginx-tls", connections, false)))
                .append(" nginx-tls req/s, ")
                .append(Stats.ratio(cpu(summaries, "netty-tls", connections), cpu(summaries, "nginx-tls", connections)))
                .append(" its CPU per request, p99 ")
                .append(Stats.ratio(
                        value(summaries, "netty-tls", connections, true),
                        value(summaries, "nginx-tls", connections, true)))
                .append("; TLS engine of PATgate: ")
                .append(engine(summaries, "netty-tls", connections))
                .append(", of nginx: ")
                .append(engine(summaries, "nginx-tls", connections))
                .append('\n');
    }

    private static String engine(List<LoadReport.Summary> summaries, String caseName, int connections) {
        return summaries.stream()
                .filter(s -> s.caseName().equals(caseName) && s.connections() == connections)
                .map(LoadReport.Summary::tlsEngine)
                .filter(engine -> !engine.isEmpty())
                .findFirst()
                .orElse("unknown");
    }
}
