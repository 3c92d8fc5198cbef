package org.patgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a directory of wrk outputs named {@code <case>-c<connections>-r<round>.txt} (written by
 * {@code run-load.sh}) and prints markdown: per case and connection count the medians over rounds
 * of requests/s, p50 and p99 latency, the ratios between cases, and the targets at the
 * highest connection count, each marked met or missed. Stateless.
 */
public final class LoadReport {

    static final List<String> CASE_ORDER = List.of(
            "direct",
            "nginx",
            "patgate",
            "patgate-deny",
            "patgate-unknown",
            "netty",
            "netty-auto",
            "netty-deny",
            "nginx-tls",
            "netty-tls",
            "nginx-check",
            "patgate-baseline");

    private static final Pattern FILE = Pattern.compile("(.+)-c(\\d+)-r(\\d+)\\.txt");
    private static final Pattern REQUESTS = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern PROXY_CPU = Pattern.compile("(?m)^Proxy CPU ms: (\\d+)");
    private static final Pattern TLS_ENGINE = Pattern.compile("(?m)^TLS engine: (.+)$");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("(?m)Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private LoadReport() {}

    /**
     * One wrk run's numbers; latencies in milliseconds; {@code cpuMicrosPerRequest} is the CPU time
     * the measured proxy process used per request (NaN when the run did not record it);
     * {@code tlsEngine} names the TLS implementation the proxy served the run with, empty for plain
     * HTTP.
     */
    record Run(
            String caseName,
            int connections,
            int round,
            double requestsPerSecond,
            double p50Ms,
            double p99Ms,
            long non2xx,
            long socketErrors,
            double cpuMicrosPerRequest,
            String tlsEngine) {}

    /** Parses wrk {@code --latency} output. */
    static Run parse(String caseName, int connections, int round, String wrkOutput) {
        Matcher requests = REQUESTS.matcher(wrkOutput);
        if (!requests.find()) {
            throw new IllegalArgumentException(
                    "no 'Requests/sec' in the wrk output of " + caseName + " -c" + connections + " round " + round);
        }
        Matcher non2xx = NON_2XX.matcher(wrkOutput);
        Matcher errors = SOCKET_ERRORS.matcher(wrkOutput);
        long socketErrors = 0;
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        Matcher total = TOTAL.matcher(wrkOutput);
        Matcher cpu = PROXY_CPU.matcher(wrkOutput);
        Matcher tlsEngine = TLS_ENGINE.matcher(wrkOutput);
        double cpuPerRequest = total.find() && cpu.find() && Long.parseLong(total.group(1)) > 0
                ? Long.parseLong(cpu.group(1)) * 1000.0 / Long.parseLong(total.group(1))
                : Double.NaN;
        return new Run(
                caseName,
                connections,
                round,
                Double.parseDouble(requests.group(1)),
                percentile(wrkOutput, "50"),
                percentile(wrkOutput, "99"),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                socketErrors,
                cpuPerRequest,
                tlsEngine.find() ? tlsEngine.group(1).strip() : "");
    }

    private static double percentile(String wrkOutput, String percent) {
        Matcher line = Pattern.compile("(?m)^\\s+" + percent + "%\\s+([0-9.]+)(us|ms|s|m)\\s*$")
                .matcher(wrkOutput);
        if (!line.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(line.group(1));
        return switch (line.group(2)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            default -> value * 60_000;
        };
    }

    static List<Run> readDirectory(Path directory) throws IOException {
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                Matcher name = FILE.matcher(file.getFileName().toString());
                if (name.matches()) {
                    runs.add(parse(
                            name.group(1),
                            Integer.parseInt(name.group(2)),
                            Integer.parseInt(name.group(3)),
                            Files.readString(file)));
                }
            }
        }
        return runs;
    }

    /** Medians over rounds of one case at one connection count; the TLS engine of its first round that had one. */
    record Summary(
            String caseName,
            int connections,
            double requestsPerSecond,
            double p50Ms,
            double p99Ms,
            long non2xx,
            long socketErrors,
            List<Double> rounds,
            double cpuMicrosPerRequest,
            String tlsEngine) {}

    static List<Summary> summarise(List<Run> runs) {
        Map<String, Map<Integer, List<Run>>> grouped = new TreeMap<>(caseOrder());
        for (Run run : runs) {
            grouped.computeIfAbsent(run.caseName(), k -> new TreeMap<>())
                    .computeIfAbsent(run.connections(), k -> new ArrayList<>())
                    .add(run);
        }
        List<Summary> summaries = new ArrayList<>();
        grouped.forEach((caseName, byConnections) -> byConnections.forEach((connections, list) -> {
            list.sort(Comparator.comparingInt(Run::round));
            summaries.add(new Summary(
                    caseName,
                    connections,
                    Stats.median(list.stream().map(Run::requestsPerSecond).toList()),
                    Stats.median(list.stream().map(Run::p50Ms).toList()),
                    Stats.median(list.stream().map(Run::p99Ms).toList()),
                    list.stream().mapToLong(Run::non2xx).sum(),
                    list.stream().mapToLong(Run::socketErrors).sum(),
                    list.stream().map(Run::requestsPerSecond).toList(),
                    Stats.median(list.stream()
                            .map(Run::cpuMicrosPerRequest)
                            .filter(v -> !v.isNaN())
                            .toList()),
                    list.stream()
                            .map(Run::tlsEngine)
                            .filter(engine -> !engine.isEmpty())
                            .findFirst()
                            .orElse("")));
        }));
        summaries.sort(Comparator.comparingInt(Summary::connections).thenComparing(Summary::caseName, caseOrder()));
        return summaries;
    }

    private static Comparator<String> caseOrder() {
        return Comparator.<String>comparingInt(c -> CASE_ORDER.contains(c) ? CASE_ORDER.indexOf(c) : CASE_ORDER.size())
                .thenComparing(Comparator.naturalOrder());
    }

    static String render(List<Summary> summaries) {
        StringBuilder out = new StringBuilder();
        out.append(
                "| Case | Connections | req/s (median) | p50 ms | p99 ms | proxy CPU µs/req | non-2xx | socket errors"
                        + " | req/s per round |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Summary s : summaries) {
            out.append("| ")
                    .append(s.caseName())
                    .append(s.tlsEngine().isEmpty() ? "" : " (TLS: " + s.tlsEngine() + ")")
                    .append(" | ")
                    .append(s.connections())
                    .append(" | ")
                    .append(Stats.format(s.requestsPerSecond(), 0))
                    .append(" | ")
                    .append(Stats.format(s.p50Ms(), 2))
                    .append(" | ")
                    .append(Stats.format(s.p99Ms(), 2))
                    .append(" | ")
                    .append(Stats.format(s.cpuMicrosPerRequest(), 1))
                    .append(" | ")
                    .append(s.non2xx())
                    .append(" | ")
                    .append(s.socketErrors())
                    .append(" | ")
                    .append(String.join(
                            ", ",
                            s.rounds().stream().map(r -> Stats.format(r, 0)).toList()))
                    .append(" |\n");
        }
        List<Integer> connectionCounts =
                summaries.stream().map(Summary::connections).distinct().sorted().toList();
        out.append("\n| Ratio (medians) |");
        connectionCounts.forEach(c -> out.append(" c=").append(c).append(" |"));
        out.append("\n|---|");
        connectionCounts.forEach(c -> out.append("---:|"));
        out.append('\n');
        LoadRows.ratioRow(out, summaries, connectionCounts, "req/s patgate / nginx", "patgate", "nginx", false);
        LoadRows.ratioRow(out, summaries, connectionCounts, "req/s patgate / direct", "patgate", "direct", false);
        LoadRows.ratioRow(out, summaries, connectionCounts, "req/s nginx / direct", "nginx", "direct", false);
        LoadRows.ratioRow(
                out, summaries, connectionCounts, "req/s patgate-deny / patgate", "patgate-deny", "patgate", false);
        LoadRows.ratioRow(
                out,
                summaries,
                connectionCounts,
                "req/s patgate-unknown / patgate",
                "patgate-unknown",
                "patgate",
                false);
        LoadRows.ratioRow(out, summaries, connectionCounts, "p99 patgate / nginx", "patgate", "nginx", true);
        if (summaries.stream().anyMatch(s -> s.caseName().equals("patgate-baseline"))) {
            LoadRows.ratioRow(
                    out,
                    summaries,
                    connectionCounts,
                    "req/s patgate / patgate-baseline (before/after)",
                    "patgate",
                    "patgate-baseline",
                    false);
        }
        boolean netty = summaries.stream().anyMatch(s -> s.caseName().equals("netty"));
        if (netty) {
            LoadRows.ratioRow(out, summaries, connectionCounts, "req/s netty / nginx", "netty", "nginx", false);
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "req/s netty / patgate (Jetty)", "netty", "patgate", false);
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "req/s netty-deny / netty", "netty-deny", "netty", false);
            LoadRows.ratioRow(out, summaries, connectionCounts, "p99 netty / nginx", "netty", "nginx", true);
        }
        if (summaries.stream().anyMatch(s -> s.caseName().equals("netty-auto"))) {
            LoadRows.ratioRow(
                    out,
                    summaries,
                    connectionCounts,
                    "req/s netty-auto (one loop per core) / nginx",
                    "netty-auto",
                    "nginx",
                    false);
            LoadRows.ratioRow(out, summaries, connectionCounts, "p99 netty-auto / nginx", "netty-auto", "nginx", true);
            LoadRows.cpuRow(out, summaries, connectionCounts, "netty-auto", "nginx");
        }
        LoadRows.cpuRow(out, summaries, connectionCounts, "patgate", "nginx");
        LoadRows.cpuRow(out, summaries, connectionCounts, "netty", "nginx");
        LoadRows.cpuRow(out, summaries, connectionCounts, "patgate", "patgate-baseline");
        boolean tls = summaries.stream().anyMatch(s -> s.caseName().equals("netty-tls"));
        if (tls) {
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "req/s netty-tls / nginx-tls", "netty-tls", "nginx-tls", false);
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "p99 netty-tls / nginx-tls", "netty-tls", "nginx-tls", true);
            LoadRows.cpuRow(out, summaries, connectionCounts, "netty-tls", "nginx-tls");
            LoadRows.ratioRow(
                    out,
                    summaries,
                    connectionCounts,
                    "req/s netty-tls / netty (TLS cost)",
                    "netty-tls",
                    "netty",
                    false);
            LoadRows.ratioRow(
                    out,
                    summaries,
                    connectionCounts,
                    "req/s nginx-tls / nginx (TLS cost)",
                    "nginx-tls",
                    "nginx",
                    false);
        }
        boolean check = summaries.stream().anyMatch(s -> s.caseName().equals("nginx-check"));
        if (check) {
            LoadRows.ratioRow(
                    out,
                    summaries,
                    connectionCounts,
                    "req/s nginx-check / nginx (external authorizer)",
                    "nginx-check",
                    "nginx",
                    false);
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "p99 nginx-check / nginx", "nginx-check", "nginx", true);
            LoadRows.ratioRow(
                    out, summaries, connectionCounts, "req/s nginx-check / netty", "nginx-check", "netty", false);
            LoadRows.cpuRow(out, summaries, connectionCounts, "nginx-check", "nginx");
        }
        if (!connectionCounts.isEmpty()) {
            int c = connectionCounts.getLast();
            out.append('\n');
            LoadRows.target(
                    out,
                    "patgate ≥ 0.8× nginx req/s at c=" + c,
                    LoadRows.value(summaries, "patgate", c, false) / LoadRows.value(summaries, "nginx", c, false),
                    0.8,
                    true);
            LoadRows.target(
                    out,
                    "patgate p99 ≤ 2× nginx p99 at c=" + c,
                    LoadRows.value(summaries, "patgate", c, true) / LoadRows.value(summaries, "nginx", c, true),
                    2.0,
                    false);
            LoadRows.target(
                    out,
                    "patgate-deny ≥ 1.5× patgate req/s at c=" + c,
                    LoadRows.value(summaries, "patgate-deny", c, false)
                            / LoadRows.value(summaries, "patgate", c, false),
                    1.5,
                    true);
            if (netty) {
                // Issue 13's targets for the Netty data plane.
                LoadRows.target(
                        out,
                        "netty ≥ 0.9× nginx req/s at c=" + c,
                        LoadRows.value(summaries, "netty", c, false) / LoadRows.value(summaries, "nginx", c, false),
                        0.9,
                        true);
                LoadRows.target(
                        out,
                        "netty proxy CPU per request ≤ 1.3× nginx's at c=" + c,
                        LoadRows.cpu(summaries, "netty", c) / LoadRows.cpu(summaries, "nginx", c),
                        1.3,
                        false);
                LoadRows.target(
                        out,
                        "netty p99 ≤ 1.5× nginx p99 at c=" + c,
                        LoadRows.value(summaries, "netty", c, true) / LoadRows.value(summaries, "nginx", c, true),
                        1.5,
                        false);
                LoadRows.target(
                        out,
                        "netty-deny ≥ 1.5× netty req/s at c=" + c,
                        LoadRows.value(summaries, "netty-deny", c, false)
                                / LoadRows.value(summaries, "netty", c, false),
                        1.5,
                        true);
            }
            if (tls) {
                LoadRows.tlsLine(out, summaries, c);
            }
            if (check) {
                // Issue 14's target: nginx with auth_request to PATgate, against nginx alone.
                LoadRows.target(
                        out,
                        "nginx-check ≥ 0.55× nginx req/s at c=" + c,
                        LoadRows.value(summaries, "nginx-check", c, false)
                                / LoadRows.value(summaries, "nginx", c, false),
                        0.55,
                        true);
            }
        }
        summaries.stream()
                .filter(s -> s.caseName().equals("patgate")
                        || s.caseName().equals("netty")
                        || s.caseName().equals("netty-tls")
                        || s.caseName().equals("netty-auto")
                        || s.caseName().equals("patgate-baseline")
                        || !(s.caseName().startsWith("patgate") || s.caseName().startsWith("netty")))
                .filter(s -> s.non2xx() > 0 || s.socketErrors() > 0)
                .forEach(s -> out.append("- Warning: ")
                        .append(s.caseName())
                        .append(" c=")
                        .append(s.connections())
                        .append(" had ")
                        .append(s.non2xx())
                        .append(" non-2xx responses and ")
                        .append(s.socketErrors())
                        .append(" socket errors; its numbers are suspect.\n"));
        return out.toString();
    }

    /** The markdown report for a directory of wrk outputs; refuses a directory without any. */
    public static String markdown(Path directory) throws IOException {
        List<Run> runs = readDirectory(directory);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no <case>-c<N>-r<round>.txt files in " + directory);
        }
        return render(summarise(runs));
    }
}
