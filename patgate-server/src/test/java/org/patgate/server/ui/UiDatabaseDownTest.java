package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CuttableTcpProxy;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;

/**
 * The web UI during a database outage (docs/cluster.md "Database down"), on a real PostgreSQL behind a
 * relay the test cuts: once the node knows the database is away, every page answers at once with 503,
 * {@code Retry-After} and a page that says what still works, an htmx request gets only the alert for
 * the page's banner, static assets still load, and the signed-in session works again when the database
 * is back. Before the node knows, a page still ends in that 503, not a 500.
 */
@PostgresTest
class UiDatabaseDownTest {

    private static final String MESSAGE = "The database cannot be reached; tokens already in use keep working.";

    @TempDir
    Path dir;

    private CuttableTcpProxy proxy;
    private TestServer node;
    private UiClient alice;

    @BeforeEach
    void startNodeBehindACuttableDatabase() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        proxy = new CuttableTcpProxy(PostgresFixture.start().port());
        node = TestServer.start(
                dir,
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name(),
                db.username(),
                db.password(),
                Map.of("PATGATE_CLUSTER_HEARTBEATINTERVAL", "10m"));
        node.createUser("alice", "alice-password-123");
        alice = UiClient.signedIn(node.baseUri(), "alice", "alice-password-123");
        assertThat(alice.get("/.patgate/tokens").status()).isEqualTo(200);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.restore();
        node.close();
        proxy.close();
    }

    @Test
    void pagesAnswer503AtOnceWithAReadablePageAndHtmxGetsTheBannerAlone() {
        proxy.cut();
        assertThat(node.server().heartbeat().beat())
                .as("the node learns the database is gone")
                .isFalse();

        long asked = System.nanoTime();
        UiClient.Answer page = alice.get("/.patgate/tokens?status=active");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
        assertThat(page.status()).isEqualTo(503);
        assertThat(page.header("Retry-After")).isEqualTo("5");
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).isNotNull();
        assertThat(page.body())
                .contains("<title>Database unreachable · PATgate</title>")
                .contains(MESSAGE)
                .contains("Try again shortly")
                .contains("href=\"/.patgate/tokens?status=active\">Try again</a>");

        UiClient.Answer fragment = alice.send("GET", "/.patgate/admin/tokens", null, Map.of("HX-Request", "true"));
        assertThat(fragment.status()).isEqualTo(503);
        assertThat(fragment.header("Retry-After")).isEqualTo("5");
        assertThat(fragment.header("HX-Retarget")).isEqualTo("#ui-alert");
        assertThat(fragment.header("HX-Reswap")).isEqualTo("innerHTML");
        assertThat(fragment.body())
                .startsWith("<div class=\"alert error\" role=\"alert\"")
                .contains(MESSAGE);
        assertThat(fragment.body()).doesNotContain("<html");

        // A form sent meanwhile is refused as a whole; trying again reloads a page, never repeats the POST.
        UiClient.Answer form = alice.post("/.patgate/tokens", Map.of("_csrf", "whatever", "name", "during outage"));
        assertThat(form.status()).isEqualTo(503);
        assertThat(form.body()).contains(MESSAGE).contains("href=\"/.patgate/tokens\">Try again</a>");

        assertThat(new UiClient(node.baseUri()).get("/.patgate/login").status())
                .as("sign-in needs the database too")
                .isEqualTo(503);
        assertThat(alice.get("/.patgate/static/app.css").status())
                .as("static assets need no database")
                .isEqualTo(200);

        proxy.restore();
        // A pooled connection the cut broke may fail the first beat; the pool replaces it.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!node.server().heartbeat().beat()) {
            assertThat(System.nanoTime())
                    .as("the node reaches the database again")
                    .isLessThan(deadline);
        }
        UiClient.Answer back = alice.get("/.patgate/tokens");
        assertThat(back.status()).as("the session outlived the outage").isEqualTo(200);
        assertThat(back.body()).doesNotContain(MESSAGE);
    }

    @Test
    void beforeTheNodeKnowsThePageEndsIn503NotA500() {
        proxy.cut();

        UiClient.Answer page = alice.get("/.patgate/tokens");
        assertThat(page.status()).as(page.body()).isEqualTo(503);
        assertThat(page.header("Retry-After")).isEqualTo("5");
        assertThat(page.body()).contains(MESSAGE);
    }
}
