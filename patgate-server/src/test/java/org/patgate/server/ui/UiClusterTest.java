package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.TestServer;

/**
 * The admin page "Cluster" in a real headless Chromium: two nodes on one database, the page on the
 * first lists both as up, marks the one that answered, and shows a node that stopped cleanly gone
 * from the table after its own refresh (htmx), without a reload.
 */
@BrowserTest
@EndToEndTest
class UiClusterTest {

    private static Path dir;
    private static TestServer nodeA;
    private static TestServer nodeB;

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(() -> nodeA.baseUri());

    private static TestServer node(String id) {
        return TestServer.start(
                dir.resolve(id),
                "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_CLUSTER_NODEID", id));
    }

    @BeforeAll
    static void startTwoNodes() throws IOException {
        dir = Files.createTempDirectory("patgate-ui-cluster");
        nodeA = node("node-a");
        nodeB = node("node-b");
    }

    @AfterAll
    static void stopNodes() {
        try {
            if (nodeB != null) {
                nodeB.close();
            }
            if (nodeA != null) {
                nodeA.close();
            }
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    /** Read in one script: the table is swapped out every few seconds, so elements found earlier go stale. */
    @SuppressWarnings("unchecked")
    private static List<String> column(String script) {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#nodes tbody tr')].map(row => " + script + ");");
    }

    private static List<String> nodeIds() {
        return column("row.dataset.node");
    }

    @Test
    void theClusterPageListsBothNodesAndDropsOneThatStops() {
        browser.open("/.patgate/login");
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.presenceOfElementLocated(By.linkText("Cluster")))
                .click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Cluster"));

        assertThat(nodeIds()).containsExactly("node-a", "node-b");
        assertThat(column("row.querySelector('td').textContent")).containsExactly("up", "up");
        assertThat(column("row.querySelector('th').textContent")).containsExactly("node-a (this node)", "node-b");
        assertThat(browser.findElement(By.id("answered-by")).getText()).contains("node-a");
        assertThat(browser.findElement(By.cssSelector("a[href='/.patgate/admin/cluster']"))
                        .getAttribute("aria-current"))
                .isEqualTo("page");
        browser.screenshot("40-cluster");

        nodeB.close();
        nodeB = null;
        // The table refreshes itself every 5 s: the stopped node leaves it without a reload.
        browser.until(driver -> nodeIds().equals(List.of("node-a")));
    }
}
