package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.store.Database;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;

/**
 * Keeps the "Scheduled jobs" and "Node killed" parts of docs/cluster.md true: the jobs table lists
 * every job with its lock key, the lock namespace is the one the code uses, the SQL that shows who
 * holds a job finds the holder on a real PostgreSQL, and every test named there exists.
 */
@PostgresTest
class ClusterJobsDocTest {

    static final Path DOC = Path.of("../docs/cluster.md");

    static String jobsSection;
    static String nodeKilled;

    @BeforeAll
    static void read() throws IOException {
        String doc = Files.readString(DOC);
        jobsSection = between(doc, "<!-- section: scheduled jobs -->", "<!-- section: ");
        nodeKilled = between(doc, "### Node killed", "<!-- section: ");
    }

    @Test
    void theJobsTableNamesEveryJobWithItsLockKey() {
        Matcher rows =
                Pattern.compile("(?m)^\\| `([a-z-]+)` \\|.*\\| (\\d+) \\|$").matcher(jobsSection);
        Map<String, Integer> documented = new LinkedHashMap<>();
        while (rows.find()) {
            documented.put(rows.group(1), Integer.parseInt(rows.group(2)));
        }
        Map<String, Integer> jobs = new LinkedHashMap<>();
        for (ClusterJob job : ClusterJob.values()) {
            jobs.put(job.label(), job.key());
        }
        assertThat(documented).isEqualTo(jobs);
        assertThat(jobsSection)
                .contains("pg_try_advisory_lock(" + ClusterJobs.LOCK_NAMESPACE + ", key)")
                .contains("`0x" + Integer.toHexString(ClusterJobs.LOCK_NAMESPACE) + "`");
    }

    @Test
    void theQueryForTheLockHolderFindsTheNodeRunningAJob() throws Exception {
        Matcher block = Pattern.compile("(?ms)^```sql\\n(.*?)^```$").matcher(jobsSection);
        assertThat(block.find()).as("a SQL example in the section").isTrue();
        String query = block.group(1).strip().replaceAll(";$", "");
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        try (Database node = Database.open(db.jdbcUrl(), db.username(), db.password(), 2);
                Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            assertThat(rows(admin, query)).isEmpty();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(
                    () -> ClusterJobs.on(node).runIfFree(ClusterJob.NOTICE_SCHEDULE, () -> {
                        inside.countDown();
                        await(release);
                    }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                assertThat(rows(admin, query)).containsExactly(ClusterJob.NOTICE_SCHEDULE.key());
            } finally {
                release.countDown();
            }
            assertThat(run.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void everyTestNamedExists() throws IOException {
        String tests;
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
            tests = all.toString();
        }
        String text = jobsSection + nodeKilled;
        List<String> classes = matches(text, "`([A-Z][A-Za-z0-9]*(?:Test|IT))`");
        List<String> methods = matches(text, "`([a-z][a-z0-9]*[A-Z][A-Za-z0-9]{20,})`");
        assertThat(classes)
                .contains("ClusterJobsTest", "ScheduleAcrossNodesTest", "PurgesAcrossNodesTest", "NodeKilledIT");
        assertThat(classes).allSatisfy(name -> assertThat(tests).contains("class " + name + " "));
        assertThat(methods).hasSizeGreaterThanOrEqualTo(3);
        assertThat(methods).allSatisfy(name -> assertThat(tests).contains("void " + name + "("));
    }

    private static List<Integer> rows(Connection connection, String query) throws Exception {
        List<Integer> keys = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                keys.add(rows.getInt("job_key"));
            }
        }
        return keys;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("docs/cluster.md has " + start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        return to < 0 ? text.substring(from) : text.substring(from, to);
    }

    private static List<String> matches(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
