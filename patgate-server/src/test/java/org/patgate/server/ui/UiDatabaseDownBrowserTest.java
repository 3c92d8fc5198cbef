package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.CuttableTcpProxy;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.PostgresFixture;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;

/**
 * In a real browser: the cluster page, which refreshes its node list with htmx every five seconds,
 * shows the "database cannot be reached" alert as a banner while the database is away, keeps the
 * page it already shows, and drops the alert at the first refresh after the database is back.
 */
@PostgresTest
@BrowserTest
class UiDatabaseDownBrowserTest {

    private static CuttableTcpProxy proxy;
    private static TestServer node;

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(() -> node.baseUri());

    @BeforeAll
    static void startNodeBehindACuttableDatabase() throws Exception {
        PostgresFixture.TestDatabase db = PostgresFixture.start().createDatabase();
        proxy = new CuttableTcpProxy(PostgresFixture.start().port());
        node = TestServer.start(
                Files.createTempDirectory("patgate-ui-db-down"),
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name(),
                db.username(),
                db.password(),
                Map.of("PATGATE_CLUSTER_HEARTBEATINTERVAL", "10m"));
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.restore();
        node.close();
        proxy.close();
    }

    @Test
    void thePagesRefreshShowsTheOutageAsABannerUntilTheDatabaseIsBack() {
        browser.open("/.patgate/login");
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.titleContains("My tokens"));
        browser.open("/.patgate/admin/cluster");
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Cluster"));
        assertThat(browser.banners()).isEmpty();

        proxy.cut();
        assertThat(node.server().heartbeat().beat()).isFalse();

        // The next refresh (every 5 s) meets the outage; the wait is bounded by the browser's 15 s.
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("database-away")));
        assertThat(browser.banners())
                .containsExactly(
                        "error: The database cannot be reached; tokens already in use keep working. Try again shortly.");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Cluster");
        assertThat(browser.findElement(By.id("ui-alert")).getAttribute("aria-live"))
                .isEqualTo("assertive");
        browser.screenshot(
                "database-away-banner", "error: The database cannot be reached; tokens already in use keep working.");

        proxy.restore();
        // A pooled connection the cut broke may fail the first beat; the pool replaces it.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!node.server().heartbeat().beat()) {
            assertThat(System.nanoTime())
                    .as("the node reaches the database again")
                    .isLessThan(deadline);
        }
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("database-away")));
        assertThat(browser.banners())
                .as("the next refresh that succeeds takes the alert away")
                .isEmpty();
    }
}
