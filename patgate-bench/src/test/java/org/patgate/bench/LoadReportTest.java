package org.patgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    /** Real wrk 4.1 output (a run of refused requests). */
    static final String WRK_OUTPUT = """
            Running 1s test @ http://127.0.0.1:34641/rest/api/2/myself
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     4.57ms    3.07ms  34.14ms   78.04%
                Req/Sec     7.07k     1.43k    9.78k    65.00%
              Latency Distribution
                 50%    3.87ms
                 75%    5.72ms
                 90%    8.27ms
                 99%   15.38ms
              14181 requests in 1.02s, 4.57MB read
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 14181
            Requests/sec:  13964.89
            Transfer/sec:      4.50MB
            """;

    private static String wrk(double requestsPerSecond, String p50, String p99) {
        return """
                  Latency Distribution
                     50%%  %s
                     75%%  %s
                     90%%  %s
                     99%%  %s
                Requests/sec:  %.2f
                """.formatted(p50, p50, p99, p99, requestsPerSecond);
    }

    @Test
    void parsesRequestsPercentilesAndErrorsOfRealWrkOutput() {
        LoadReport.Run run = LoadReport.parse("patgate-deny", 64, 1, WRK_OUTPUT);

        assertThat(run.requestsPerSecond()).isEqualTo(13964.89);
        assertThat(run.p50Ms()).isEqualTo(3.87);
        assertThat(run.p99Ms()).isEqualTo(15.38);
        assertThat(run.non2xx()).isEqualTo(14181);
        assertThat(run.socketErrors()).isEqualTo(5);
    }

    @Test
    void latencyUnitsAreConvertedToMilliseconds() {
        LoadReport.Run run = LoadReport.parse("x", 16, 1, wrk(1, "850.00us", "1.20s"));

        assertThat(run.p50Ms()).isEqualTo(0.85);
        assertThat(run.p99Ms()).isEqualTo(1200.0);
    }

    @Test
    void outputWithoutRequestsPerSecondIsAnError() {
        assertThatThrownBy(() -> LoadReport.parse("nginx", 16, 2, "unable to connect to 127.0.0.1:1"))
                .hasMessageContaining("nginx -c16 round 2");
    }

    @Test
    void mediansOverRoundsGiveTheRatiosAndTargetVerdicts() {
        List<LoadReport.Run> runs = new ArrayList<>();
        double[] nginx = {10_000, 30_000, 20_000};
        double[] patgate = {15_000, 17_000, 99_000};
        double[] deny = {30_000, 20_000, 40_000};
        for (int round = 1; round <= 3; round++) {
            runs.add(LoadReport.parse("nginx", 64, round, wrk(nginx[round - 1], "1.00ms", "4.00ms")));
            runs.add(LoadReport.parse("patgate", 64, round, wrk(patgate[round - 1], "2.00ms", "10.00ms")));
            runs.add(LoadReport.parse("patgate-deny", 64, round, wrk(deny[round - 1], "1.00ms", "3.00ms")));
        }

        String report = LoadReport.render(LoadReport.summarise(runs));

        assertThat(report).contains("| nginx | 64 | 20000 | 1.00 | 4.00 | n/a | 0 | 0 | 10000, 30000, 20000 |");
        assertThat(report).contains("| req/s patgate / nginx | 0.85× |");
        assertThat(report).contains("| p99 patgate / nginx | 2.50× |");
        assertThat(report).contains("Target: patgate ≥ 0.8× nginx req/s at c=64: 0.85× — met");
        assertThat(report).contains("Target: patgate p99 ≤ 2× nginx p99 at c=64: 2.50× — MISSED");
        assertThat(report).contains("Target: patgate-deny ≥ 1.5× patgate req/s at c=64: 1.76× — met");
        assertThat(report.indexOf("| nginx | 64")).isLessThan(report.indexOf("| patgate | 64"));
    }

    @Test
    void theNettyDataPlaneGetsItsOwnRatiosAndTheIssueTargets() {
        List<LoadReport.Run> runs = new ArrayList<>();
        runs.add(LoadReport.parse(
                "nginx",
                64,
                1,
                "  160000 requests in 8.00s\n" + wrk(20_000, "1.00ms", "4.00ms") + "Proxy CPU ms: 1000\n"));
        runs.add(LoadReport.parse("patgate", 64, 1, wrk(10_000, "2.00ms", "9.00ms")));
        runs.add(LoadReport.parse(
                "netty",
                64,
                1,
                "  152000 requests in 8.00s\n" + wrk(19_000, "1.00ms", "7.00ms") + "Proxy CPU ms: 1500\n"));
        runs.add(LoadReport.parse("netty-deny", 64, 1, wrk(40_000, "1.00ms", "3.00ms")));

        String report = LoadReport.render(LoadReport.summarise(runs));

        assertThat(report).contains("| req/s netty / nginx | 0.95× |");
        assertThat(report).contains("| req/s netty / patgate (Jetty) | 1.90× |");
        assertThat(report).contains("Target: netty ≥ 0.9× nginx req/s at c=64: 0.95× — met");
        // 8 s of wrk: 1500 ms of CPU over 152000 requests against 1000 ms over 160000.
        assertThat(report).contains("Target: netty proxy CPU per request ≤ 1.3× nginx's at c=64: 1.58× — MISSED");
        assertThat(report).contains("Target: netty p99 ≤ 1.5× nginx p99 at c=64: 1.75× — MISSED");
        assertThat(report).contains("Target: netty-deny ≥ 1.5× netty req/s at c=64: 2.11× — met");
        assertThat(report.indexOf("| patgate | 64")).isLessThan(report.indexOf("| netty | 64"));
    }

    @Test
    void theTlsCasesAreComparedWithNginxOverTlsAndNameTheirTlsEngines() {
        List<LoadReport.Run> runs = new ArrayList<>();
        runs.add(LoadReport.parse("nginx", 64, 1, wrk(20_000, "1.00ms", "4.00ms")));
        runs.add(LoadReport.parse("netty", 64, 1, wrk(24_000, "1.00ms", "6.00ms")));
        runs.add(LoadReport.parse(
                "nginx-tls",
                64,
                1,
                "  128000 requests in 8.00s\n" + wrk(16_000, "1.00ms", "5.00ms")
                        + "Proxy CPU ms: 6400\nTLS engine: OpenSSL 3.0.20\n"));
        runs.add(LoadReport.parse(
                "netty-tls",
                64,
                1,
                "  144000 requests in 8.00s\n" + wrk(18_000, "1.00ms", "9.00ms")
                        + "Proxy CPU ms: 6480\nTLS engine: openssl\n"));

        String report = LoadReport.render(LoadReport.summarise(runs));

        assertThat(report).contains("| nginx-tls (TLS: OpenSSL 3.0.20) | 64 | 16000 |");
        assertThat(report).contains("| netty-tls (TLS: openssl) | 64 | 18000 |");
        assertThat(report).contains("| nginx | 64 | 20000 |");
        assertThat(report).contains("| req/s netty-tls / nginx-tls | 1.13× |");
        assertThat(report).contains("| p99 netty-tls / nginx-tls | 1.80× |");
        // 6480 ms over 144000 requests (45 µs) against 6400 ms over 128000 (50 µs).
        assertThat(report).contains("| proxy CPU per request netty-tls / nginx-tls | 0.90× |");
        assertThat(report).contains("| req/s netty-tls / netty (TLS cost) | 0.75× |");
        assertThat(report).contains("| req/s nginx-tls / nginx (TLS cost) | 0.80× |");
        assertThat(report)
                .contains("- TLS (reported, no target) at c=64: netty-tls 1.13× nginx-tls req/s, 0.90× its CPU per"
                        + " request, p99 1.80×; TLS engine of PATgate: openssl, of nginx: OpenSSL 3.0.20");
        assertThat(report.indexOf("| netty | 64")).isLessThan(report.indexOf("| nginx-tls"));
        assertThat(report.indexOf("| nginx-tls")).isLessThan(report.indexOf("| netty-tls"));
    }

    @Test
    void nginxAskingPatgateIsComparedWithNginxAloneAgainstIssue14sTarget() {
        List<LoadReport.Run> runs = new ArrayList<>();
        runs.add(LoadReport.parse("nginx", 64, 1, wrk(20_000, "1.00ms", "4.00ms")));
        runs.add(LoadReport.parse("netty", 64, 1, wrk(24_000, "1.00ms", "6.00ms")));
        runs.add(LoadReport.parse("nginx-check", 64, 1, wrk(12_000, "2.00ms", "8.00ms")));
        runs.add(LoadReport.parse("nginx", 64, 2, wrk(20_000, "1.00ms", "4.00ms")));
        runs.add(LoadReport.parse("nginx-check", 64, 2, wrk(10_000, "2.00ms", "8.00ms")));

        String report = LoadReport.render(LoadReport.summarise(runs));

        assertThat(report).contains("| nginx-check | 64 | 11000 |");
        assertThat(report).contains("| req/s nginx-check / nginx (external authorizer) | 0.55× |");
        assertThat(report).contains("| p99 nginx-check / nginx | 2.00× |");
        assertThat(report).contains("- Target: nginx-check ≥ 0.55× nginx req/s at c=64: 0.55× — met");
        assertThat(report.indexOf("| netty | 64")).isLessThan(report.indexOf("| nginx-check | 64"));
    }

    @Test
    void withoutTheTlsCasesTheReportHasNoTlsLines() {
        String report = LoadReport.render(LoadReport.summarise(List.of(
                LoadReport.parse("nginx", 64, 1, wrk(20_000, "1.00ms", "4.00ms")),
                LoadReport.parse("netty", 64, 1, wrk(24_000, "1.00ms", "6.00ms")))));

        assertThat(report).doesNotContain("tls").doesNotContain("TLS");
        assertThat(LoadReport.parse("netty", 64, 1, WRK_OUTPUT).tlsEngine()).isEmpty();
    }

    @Test
    void errorsOnTheTlsCaseAreFlagged() {
        String report =
                LoadReport.render(LoadReport.summarise(List.of(LoadReport.parse("netty-tls", 64, 1, WRK_OUTPUT))));

        assertThat(report).contains("Warning: netty-tls c=64 had 14181 non-2xx responses and 5 socket errors");
    }

    @Test
    void proxyCpuPerRequestComesFromTheRecordedCpuTimeAndTheRequestCount() {
        LoadReport.Run patgate = LoadReport.parse("patgate", 64, 1, WRK_OUTPUT + "Proxy CPU ms: 709\n");
        LoadReport.Run nginx = LoadReport.parse(
                "nginx", 64, 1, WRK_OUTPUT.replace("14181 requests", "28362 requests") + "Proxy CPU ms: 567\n");

        assertThat(patgate.cpuMicrosPerRequest()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(LoadReport.parse("x", 64, 1, WRK_OUTPUT).cpuMicrosPerRequest())
                .isNaN();
        String report = LoadReport.render(LoadReport.summarise(List.of(patgate, nginx)));
        assertThat(report).contains("| proxy CPU per request patgate / nginx | 2.50× |");
    }

    @Test
    void errorsOnAnAllowedCaseAreFlagged() {
        String report = LoadReport.render(LoadReport.summarise(List.of(
                LoadReport.parse("patgate", 16, 1, WRK_OUTPUT), LoadReport.parse("patgate-deny", 16, 1, WRK_OUTPUT))));

        assertThat(report).contains("Warning: patgate c=16 had 14181 non-2xx responses and 5 socket errors");
        assertThat(report).doesNotContain("Warning: patgate-deny");
    }
}
