package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.core.token.Scope;
import org.patgate.server.activity.PathGroups;
import org.patgate.server.activity.UsageCounters;
import org.patgate.server.activity.UsageReport;
import org.patgate.server.activity.UsageReport.Sort;
import org.patgate.server.activity.UsageReport.Window;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.principal.Permission;
import org.patgate.server.principal.Principal;
import org.patgate.server.testing.MutableClock;

/**
 * Usage analytics from counting to reading, on H2 and PostgreSQL: in-memory minutes written by a
 * drain, summed per window and dimension, bounded in memory, purged by age.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class UsageCountersTest extends StoreTestBase {

    private static final Principal ADMIN = new Principal(1, "admin", "Admin", Set.of(), Set.of(Permission.ADMIN));
    private static final Principal USER = new Principal(2, "bob", "Bob", Set.of(), Set.of());
    private static final InetAddress HOST_A = address("192.0.2.10");
    private static final InetAddress HOST_B = address("2001:db8::7");

    private MutableClock clock;
    private UsageCounters counters;
    private UsageReport report;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void tokens() {
        clock = new MutableClock(Instant.parse("2026-03-01T10:30:10Z"));
        counters = counters(10_000);
        report = new UsageReport(db.usageCounters(), clock);
        UserRecord alice = user("alice");
        UserRecord carol = user("carol");
        token("t1", "nightly-report", alice);
        token("t2", "backup", alice);
        token("t3", "dashboard", carol);
    }

    private UsageCounters counters(int maxKeys) {
        return new UsageCounters(db.usageCounters(), new PathGroups(5), clock, Duration.ofDays(90), maxKeys);
    }

    private void token(String id, String name, UserRecord owner) {
        db.tokens()
                .insert(new NewToken(
                        id,
                        String.format("%064x", id.hashCode()),
                        "h",
                        name,
                        owner.id(),
                        owner.id(),
                        Scope.READ_WRITE,
                        List.of(),
                        null,
                        clock.instant(),
                        TokenStatus.ACTIVE));
    }

    private void count(String tokenId, InetAddress client, String path, int status, String refusal, long micros) {
        counters.count(tokenId, client, path, status, refusal, micros, clock.instant());
    }

    private static UsageTotals row(List<UsageTotals> rows, String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void requestsCountPerTokenWithRefusalsByReasonStatusClassesAndLatencyPercentiles() {
        for (int i = 0; i < 18; i++) {
            count("t1", HOST_A, "/rest/api/2/issue/DEMO-" + i, 200, null, 3_000); // 5 ms bucket
        }
        count("t1", HOST_A, "/rest/api/2/issue/DEMO-1", 503, null, 400_000); // 500 ms bucket
        count("t1", HOST_A, "/rest/api/2/issue/DEMO-1", 404, null, 40_000);
        count("t1", HOST_A, "/rest/api/2/issue/DEMO-1", 403, "read-only", 100);
        count("t1", HOST_A, "/rest/api/2/issue/DEMO-1", 429, "rate-limited", 100);
        count("t1", HOST_A, "/rest/api/2/issue/DEMO-1", 429, "rate-limited", 100);
        count("t2", HOST_B, "/rest/api/2/search", 200, null, 1_000);
        counters.drain(true);

        List<UsageTotals> top = report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.REQUESTS, 10);

        assertThat(top).extracting(UsageTotals::key).containsExactly("t1", "t2");
        UsageTotals t1 = top.getFirst();
        assertThat(t1.label()).isEqualTo("nightly-report (alice)");
        assertThat(t1.get(UsageCount.REQUESTS)).isEqualTo(23);
        assertThat(t1.get(UsageCount.REFUSED)).isEqualTo(3);
        assertThat(t1.get(UsageCount.RATE_LIMITED)).isEqualTo(2);
        assertThat(t1.refusals()).isEqualTo(Map.of("read-only", 1L, "rate-limited", 2L));
        assertThat(UsageReport.statusClasses(t1))
                .containsExactly(
                        Map.entry("2xx", 18L), Map.entry("3xx", 0L), Map.entry("4xx", 1L), Map.entry("5xx", 1L));
        // 20 forwarded: 18 within 5 ms, one within 50 ms, one within 500 ms.
        assertThat(UsageReport.quantileMillis(t1, 0.5)).isEqualTo(5.0);
        assertThat(UsageReport.quantileMillis(t1, 0.95)).isEqualTo(50.0);
        assertThat(UsageReport.quantileMillis(t1, 1.0)).isEqualTo(500.0);
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.P95, 1))
                .extracting(UsageTotals::key)
                .containsExactly("t1");
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.SERVER_ERRORS, 1)
                        .getFirst()
                        .key())
                .isEqualTo("t1");
    }

    @Test
    void requestsWithoutATokenCountByAddressAndPathGroup() {
        for (int i = 0; i < 5; i++) {
            count(null, HOST_B, "/rest/api/2/issue/" + (10_000 + i) + "/comment", 401, "password-blocked", 10);
        }
        count("t1", HOST_A, "/rest/api/2/search", 200, null, 10);
        counters.drain(true);

        List<UsageTotals> byAddress = report.top(ADMIN, UsageDimension.IP, Window.HOUR, Sort.REFUSED, 10);
        assertThat(byAddress).extracting(UsageTotals::key).containsExactly("2001:db8:0:0:0:0:0:7", "192.0.2.10");
        assertThat(byAddress.getFirst().refusals()).isEqualTo(Map.of("password-blocked", 5L));
        assertThat(report.top(ADMIN, UsageDimension.PATH, Window.HOUR, Sort.REQUESTS, 10))
                .extracting(UsageTotals::key, t -> t.get(UsageCount.REQUESTS))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/rest/api/2/issue/{id}/**", 5L),
                        org.assertj.core.groups.Tuple.tuple("/rest/api/2/search", 1L));
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.REQUESTS, 10))
                .extracting(UsageTotals::key)
                .containsExactly("t1");
    }

    @Test
    void byUserSumsTheTokensEachOwnerHolds() {
        count("t1", HOST_A, "/a", 200, null, 10);
        count("t2", HOST_A, "/a", 200, null, 10);
        count("t2", HOST_A, "/a", 200, null, 10);
        count("t3", HOST_A, "/a", 403, "forbidden", 10);
        counters.drain(true);

        List<UsageTotals> byUser = report.top(ADMIN, UsageDimension.USER, Window.DAY, Sort.REQUESTS, 10);

        assertThat(byUser)
                .extracting(UsageTotals::key, t -> t.get(UsageCount.REQUESTS))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alice", 3L),
                        org.assertj.core.groups.Tuple.tuple("carol", 1L));
        assertThat(byUser.get(1).refusals()).isEqualTo(Map.of("forbidden", 1L));
    }

    @Test
    void keysBeyondTheMinuteBoundAreNotCountedButCountedAsDropped() {
        counters = counters(2);
        count("t1", HOST_A, "/a", 200, null, 10);
        count("t2", HOST_A, "/b", 200, null, 10);
        count("t3", HOST_A, "/c", 200, null, 10); // third token and third path group: no room
        count("t1", HOST_A, "/a", 200, null, 10); // a known key still counts
        counters.drain(true);

        assertThat(counters.dropped()).isEqualTo(2);
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.REQUESTS, 10))
                .extracting(UsageTotals::key, t -> t.get(UsageCount.REQUESTS))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t1", 2L), org.assertj.core.groups.Tuple.tuple("t2", 1L));
    }

    @Test
    void windowsSumTheirMinutesOrHoursAndTheChartHasEveryStep() {
        count("t1", HOST_A, "/a", 200, null, 10);
        clock.advance(Duration.ofMinutes(1)); // the next request starts a new minute
        count("t1", HOST_A, "/a", 200, null, 10);
        count("t1", HOST_A, "/a", 200, null, 10);
        clock.advance(Duration.ofHours(2));
        count("t2", HOST_A, "/a", 200, null, 10);
        counters.drain(true);

        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.HOUR, Sort.REQUESTS, 10))
                .extracting(UsageTotals::key)
                .containsExactly("t2");
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.WEEK, Sort.REQUESTS, 10))
                .extracting(UsageTotals::key, t -> t.get(UsageCount.REQUESTS))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t1", 3L), org.assertj.core.groups.Tuple.tuple("t2", 1L));

        UsageReport.Chart day = report.chart(ADMIN, UsageDimension.TOKEN, Window.DAY, 5);
        assertThat(day.steps()).hasSize(24);
        assertThat(day.steps().getLast()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
        assertThat(day.series())
                .extracting(UsageReport.Series::label)
                .containsExactly("nightly-report (alice)", "backup (alice)");
        assertThat(day.series().getFirst().requests().get(21)).isEqualTo(3);
        assertThat(day.series().getFirst().requests().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(3);
        assertThat(report.chart(ADMIN, UsageDimension.TOKEN, Window.HOUR, 5).steps())
                .hasSize(60);
    }

    @Test
    void minuteRowsGoAfterADayAndHourRowsAfterTheRetention() {
        count("t1", HOST_A, "/a", 200, null, 10);
        counters.drain(true);

        clock.advance(Duration.ofHours(25));
        counters.drain(true);
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.DAY, Sort.REQUESTS, 10))
                .isEmpty();
        assertThat(report.top(ADMIN, UsageDimension.TOKEN, Window.WEEK, Sort.REQUESTS, 10))
                .hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM usage_counters WHERE span = 'minute'"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM usage_counters WHERE span = 'hour'"))
                .isEqualTo(3); // token, ip, path

        clock.advance(Duration.ofDays(90));
        counters.drain(true);
        assertThat(count("SELECT COUNT(*) FROM usage_counters")).isZero();
    }

    @Test
    void countsFromManyThreadsAllArriveAcrossAMinuteBoundary() throws InterruptedException {
        int threads = 4;
        int each = 5_000;
        Instant first = clock.instant();
        Instant next = first.plus(Duration.ofMinutes(1));
        List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String token = "t" + (t % 3 + 1);
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    // Half in one minute, half in the next: threads race to start the new minute.
                    counters.count(token, HOST_A, "/a", 200, null, 10, i < each / 2 ? first : next);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join(30_000);
        }
        counters.drain(true);
        clock.set(next);

        List<UsageTotals> byPath = report.top(ADMIN, UsageDimension.PATH, Window.HOUR, Sort.REQUESTS, 10);
        assertThat(byPath).hasSize(1);
        assertThat(byPath.getFirst().get(UsageCount.REQUESTS)).isEqualTo((long) threads * each);
        assertThat(counters.dropped()).isZero();
    }

    @Test
    void onlyAdminsReadUsage() {
        assertThatThrownBy(() -> report.top(USER, UsageDimension.TOKEN, Window.HOUR, Sort.REQUESTS, 10))
                .isInstanceOf(ForbiddenException.class);
    }

    private long count(String sql) {
        try (var connection = db.dataSource().getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
