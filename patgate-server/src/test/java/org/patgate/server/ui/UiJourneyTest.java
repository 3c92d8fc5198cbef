package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * The user journey in a real headless Chromium: sign in, create a read-only token, copy it, use it
 * through the gateway, watch its activity appear, revoke it, and see the gateway refuse it. Skips
 * when Chromium or its driver is not installed. Screenshots of the steps go to
 * {@code target/ui-screenshots/}.
 */
class UiJourneyTest {

    private static final Path SHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    static Path dir;
    static RunningGateway fixture;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        fixture = RunningGateway.start(dir.resolve("node"), Map.of("PATGATE_ACTIVITY_FLUSHINTERVAL", "100ms"));
        browser = HeadlessChromium.start(dir);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void createUseWatchAndRevokeAToken() throws Exception {
        // Sign in: the protected page sends us to the form and back.
        open("/.patgate/tokens");
        assertThat(browser.getCurrentUrl()).contains("/.patgate/login");
        signIn("alice", RunningGateway.ALICE_PASSWORD);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "My tokens"));
        screenshot("01-my-tokens");

        // Create a read-only token through the form.
        browser.findElement(By.linkText("New token")).click();
        browser.findElement(By.id("name")).sendKeys("nightly-report");
        WebElement readOnly = browser.findElement(By.cssSelector("input[name=scope][value=read-only]"));
        assertThat(readOnly.isSelected()).isTrue();
        screenshot("02-new-token");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        // The secret, shown once, with a copy button and a ready curl command.
        WebElement secretField = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        String secret = secretField.getDomProperty("value");
        assertThat(secret).startsWith("pat_");
        assertThat(browser.findElement(By.id("curl")).getText()).contains("Authorization: Bearer " + secret);
        browser.findElement(By.cssSelector("[data-copy=secret]")).click();
        wait.until(d -> !d.findElement(By.id("copy-status")).getText().isEmpty());
        screenshot("03-secret-shown-once", "warning: Copy the token now.");

        // Use it through the gateway: reads pass, writes are refused.
        assertThat(fixture.bearer("GET", "/rest/api/2/issue/PAT-1", secret).status()).isEqualTo(200);
        assertThat(fixture.upstream.last().path()).isEqualTo("/rest/api/2/issue/PAT-1");
        assertThat(fixture.send("DELETE", "/rest/api/2/issue/PAT-1", Map.of("Authorization", "Bearer " + secret), null)
                .status()).isEqualTo(403);

        // The detail page shows the activity and the chart once the recorder has flushed.
        browser.findElement(By.partialLinkText("show the token's page")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "nightly-report"));
        new WebDriverWait(browser, Duration.ofSeconds(20)).pollingEvery(Duration.ofMillis(300)).until(d -> {
            d.navigate().refresh();
            return d.findElements(By.id("activity")).stream().anyMatch(t -> t.getText().contains("/rest/api/2/issue/PAT-1"));
        });
        wait.until(ExpectedConditions.textMatches(By.id("chart-summary"), java.util.regex.Pattern.compile("^2 requests")));
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("activity")).getText()).contains("GET /rest/api/2/issue/PAT-1", "200",
                "DELETE /rest/api/2/issue/PAT-1", "403");
        // A working token's page says so: active, and no banner claiming it does not work.
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualToIgnoringCase("active");
        assertThat(browser.findElements(By.id("status-reason"))).isEmpty();
        screenshot("04-token-activity");

        // Revoke from the list: htmx asks for confirmation and swaps the row.
        browser.findElement(By.linkText("My tokens")).click();
        WebElement row = rowOf("nightly-report");
        row.findElement(By.cssSelector("button.danger")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        // htmx replaces the row: look it up afresh on every poll.
        wait.ignoring(StaleElementReferenceException.class).until(d -> rowOf("nightly-report").getText().toLowerCase(java.util.Locale.ROOT).contains("revoked"));
        assertThat(browser.getCurrentUrl()).endsWith("/.patgate/tokens");
        screenshot("05-revoked");

        // The gateway refuses it from now on.
        assertThat(fixture.bearer("GET", "/rest/api/2/issue/PAT-1", secret).status()).isEqualTo(401);
        open("/.patgate/tokens/" + rowOf("nightly-report").getDomAttribute("id").substring("token-".length()));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualToIgnoringCase("revoked");
        assertThat(HeadlessChromium.banners(browser)).singleElement().asString()
                .startsWith("error: This token does not work: revoked by alice at ");

        // Sign out, then the admin sees every token in the token manager.
        browser.findElement(By.cssSelector("form.signout button")).click();
        wait.until(ExpectedConditions.urlContains("/.patgate/login"));
        signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.findElement(By.linkText("Token manager")).click();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("status"))).selectByValue("active");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("status=active"));
        assertThat(browser.findElement(By.tagName("tbody")).getText()).contains("alice").doesNotContain("nightly-report");
        screenshot("06-token-manager");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy") || e.getLevel().equals(Level.SEVERE))
                .toList();
        assertThat(violations).as("browser console errors and CSP violations").isEmpty();
    }

    private static void open(String path) {
        browser.get(fixture.base() + path);
    }

    private static void signIn(String username, String password) {
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
    }

    private static WebElement rowOf(String name) {
        return browser.findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.findElement(By.tagName("th")).getText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name));
    }

    private static void screenshot(String name, String... banners) throws IOException {
        HeadlessChromium.screenshot(browser, SHOTS, name, banners);
    }
}
