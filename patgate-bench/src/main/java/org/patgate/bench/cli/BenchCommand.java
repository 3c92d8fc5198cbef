package org.patgate.bench.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patgate.bench.DocSection;
import org.patgate.bench.JmhReport;
import org.patgate.bench.LoadReport;
import org.patgate.bench.PropagationBenchmark;
import org.patgate.bench.ScaleBenchmark;
import org.patgate.bench.SoakBenchmark;
import org.patgate.bench.TokenSample;

/**
 * The benchmark scripts' command line: {@code BenchCommand COMMAND ARGS...} with
 * <ul>
 *   <li>{@code jmh-report RESULT.json...}: the JMH markdown section on standard output;</li>
 *   <li>{@code load-report DIRECTORY}: the load-test markdown report on standard output;</li>
 *   <li>{@code scale --patgate-jar FILE [--tokens N] ...}: runs the scale benchmark, report on standard output;</li>
 *   <li>{@code propagation --launcher bin/patgate [--revocations N]}: runs the change propagation benchmark, report on
 *       standard output;</li>
 *   <li>{@code soak --launcher bin/patgate [--minutes N]}: runs the soak (load, node kill, database restart), report
 *       on standard output;</li>
 *   <li>{@code doc-section FILE NAME}: replaces section NAME of FILE with standard input;</li>
 *   <li>{@code token-sample [PREFIX]}: one well-formed token nobody issued.</li>
 * </ul>
 * Exit status 0 on success, 1 on failure (one line on standard error), 2 on a usage error.
 */
public final class BenchCommand {

    private BenchCommand() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage(
                    "a command is required: jmh-report, load-report, scale, propagation, soak, doc-section, token-sample");
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "jmh-report" -> {
                    if (rest.isEmpty()) {
                        usage("usage: jmh-report RESULT.json...");
                    }
                    System.out.print(
                            JmhReport.markdown(rest.stream().map(Path::of).toList()));
                }
                case "load-report" -> {
                    if (rest.size() != 1) {
                        usage("usage: load-report DIRECTORY-OF-WRK-OUTPUTS");
                    }
                    System.out.print(LoadReport.markdown(Path.of(rest.getFirst())));
                }
                case "scale" -> scale(rest);
                case "propagation" -> propagation(rest);
                case "soak" -> soak(rest);
                case "doc-section" -> {
                    if (rest.size() != 2) {
                        usage("usage: doc-section FILE SECTION-NAME  (body on standard input)");
                    }
                    DocSection.write(
                            Path.of(rest.get(0)),
                            rest.get(1),
                            new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
                }
                case "token-sample" ->
                    System.out.println(TokenSample.generate(rest.isEmpty() ? null : rest.getFirst()));
                default -> usage("unknown command '" + args[0] + "'");
            }
        } catch (Exception e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static void scale(List<String> args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
                usage("usage: scale --patgate-jar FILE [--tokens N] [--small N] [--stores h2,postgresql] "
                        + "[--samples N] [--hot N] [--startups N]");
            }
            options.put(args.get(i).substring(2), args.get(i + 1));
        }
        // Standard output carries only the report: the server's logging and the progress lines
        // (console, resolved on each write) go to standard error.
        PrintStream report = System.out;
        System.setOut(System.err);
        report.print(ScaleBenchmark.run(options));
        report.flush();
    }

    private static void propagation(List<String> args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
                usage("usage: propagation --launcher bin/patgate [--revocations N]");
            }
            options.put(args.get(i).substring(2), args.get(i + 1));
        }
        // As for scale: standard output carries only the report.
        PrintStream report = System.out;
        System.setOut(System.err);
        report.print(PropagationBenchmark.run(options));
        report.flush();
    }

    private static void soak(List<String> args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
                usage("usage: soak --launcher bin/patgate [--minutes N]");
            }
            options.put(args.get(i).substring(2), args.get(i + 1));
        }
        // As for scale: standard output carries only the report.
        PrintStream report = System.out;
        System.setOut(System.err);
        report.print(SoakBenchmark.run(options));
        report.flush();
    }

    private static void usage(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
