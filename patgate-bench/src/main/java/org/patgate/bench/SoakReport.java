package org.patgate.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The markdown of the soak's section, and what it is made from. Stateless. */
final class SoakReport {

    private SoakReport() {}

    /**
     * When the faults happened, from the start of the load.
     *
     * @param loadTook   how long the load ran (longer than planned when a fault took longer than its share)
     * @param window     how far before the kill the killed node's answers count towards the bound
     * @param lossBound  the killed node's 200s in that window: activity it may not have written
     */
    record Faults(
            Duration loadTook,
            String killedNode,
            Duration killedAt,
            Duration killedNodeBackAfter,
            Duration databaseRestartAt,
            Duration databaseRestartTook,
            Duration window,
            long lossBound) {}

    /**
     * The outcome of a soak.
     *
     * @param statuses          requests by HTTP status (-1: no answer)
     * @param answeredByNode    200s by the node that served them
     * @param answered          200s the clients got
     * @param written           requests without failure in the nodes' hourly counters
     * @param unanswered        requests that got no HTTP answer (cut by the kill)
     * @param dropped           events the running nodes dropped from a full queue
     * @param acceptedAfterBound a line per 200 for a revoked token sent more than the bound after its revocation,
     *     starting with the token's id and a space
     */
    record Result(
            Faults faults,
            Map<Integer, Long> statuses,
            Map<String, Long> answeredByNode,
            int tokens,
            int revocations,
            long createFailures,
            long revokeFailures,
            long answered,
            long written,
            long unanswered,
            long dropped,
            long acceptedWithinBound,
            List<String> acceptedAfterBound) {

        long lost() {
            return answered - written;
        }

        boolean lossMet() {
            return lost() <= faults.lossBound() && written <= answered + unanswered;
        }

        boolean revocationsMet() {
            return acceptedAfterBound.isEmpty();
        }
    }

    static String markdown(String postgresVersion, Duration duration, Result result) {
        Faults faults = result.faults();
        long requests =
                result.statuses().values().stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%s of load planned, %s run; PostgreSQL %s; %,d requests (%s); 200s by node: %s.%n%n",
                minutesAndSeconds(duration),
                minutesAndSeconds(faults.loadTook()),
                postgresVersion,
                requests,
                result.statuses().entrySet().stream()
                        .map(e -> (e.getKey() < 0 ? "no answer" : e.getKey().toString()) + ": "
                                + String.format(Locale.ROOT, "%,d", e.getValue()))
                        .collect(Collectors.joining(", ")),
                result.answeredByNode().entrySet().stream()
                        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()))
                        .collect(Collectors.joining(", "))));
        out.append("| event | when | |\n|---|---:|---|\n");
        out.append(String.format(
                Locale.ROOT,
                "| node %s killed (SIGKILL) and started again | %s | listening again after %.1f s |%n",
                faults.killedNode(),
                minutesAndSeconds(faults.killedAt()),
                faults.killedNodeBackAfter().toMillis() / 1000.0));
        out.append(String.format(
                Locale.ROOT,
                "| PostgreSQL restarted (fast shutdown, same data and port) | %s | took %.1f s |%n",
                minutesAndSeconds(faults.databaseRestartAt()),
                faults.databaseRestartTook().toMillis() / 1000.0));
        out.append(String.format(
                Locale.ROOT,
                "| tokens created / revoked | | %d / %d (failed attempts, retried: %d creations, %d revocations) |%n%n",
                result.tokens(),
                result.revocations(),
                result.createFailures(),
                result.revokeFailures()));
        out.append("| measured | value |\n|---|---:|\n");
        out.append(String.format(Locale.ROOT, "| 200s the clients got | %,d |%n", result.answered()));
        out.append(String.format(Locale.ROOT, "| of them in the hourly counters | %,d |%n", result.written()));
        out.append(String.format(Locale.ROOT, "| lost activity | %,d |%n", result.lost()));
        out.append(String.format(
                Locale.ROOT,
                "| bound: node %s's 200s in its last %d ms before the kill | %,d |%n",
                faults.killedNode(),
                faults.window().toMillis(),
                faults.lossBound()));
        out.append(String.format(Locale.ROOT, "| requests cut off without an answer | %,d |%n", result.unanswered()));
        out.append(String.format(Locale.ROOT, "| events dropped from a full queue | %,d |%n", result.dropped()));
        out.append(String.format(
                Locale.ROOT,
                "| 200s for revoked tokens within %d ms of the revocation (allowed) | %,d |%n",
                SoakBenchmark.BOUND_MILLIS,
                result.acceptedWithinBound()));
        out.append(String.format(
                Locale.ROOT,
                "| 200s for revoked tokens sent more than %d ms after the revocation (accepted after propagation) | %,d |%n",
                SoakBenchmark.BOUND_MILLIS,
                result.acceptedAfterBound().size()));
        out.append(String.format(
                Locale.ROOT,
                "%n**Lost activity** at most the killed node's unwritten bound: %s (lost %d, bound %d).%n",
                result.lossMet() ? "met" : "missed",
                result.lost(),
                faults.lossBound()));
        out.append(String.format(
                Locale.ROOT,
                "**Revoked tokens accepted after propagation**: %s (tokens: %d, requests: %d).%n",
                result.revocationsMet() ? "met" : "missed",
                result.acceptedAfterBound().stream()
                        .map(late -> late.substring(0, late.indexOf(' ')))
                        .distinct()
                        .count(),
                result.acceptedAfterBound().size()));
        for (String late : result.acceptedAfterBound().stream().limit(10).toList()) {
            out.append("- accepted: token ").append(late).append('\n');
        }
        return out.toString();
    }

    private static String minutesAndSeconds(Duration duration) {
        long seconds = Math.round(duration.toMillis() / 1000.0);
        return seconds / 60 + " min " + seconds % 60 + " s";
    }
}
