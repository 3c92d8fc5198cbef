package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * The user journey in a real headless Chromium: sign in, create a read-only token, copy it, use it
 * through the gateway, watch its activity appear, revoke it, and see the gateway refuse it. Skips
 * when Chromium or its driver is not installed. Screenshots of the steps go to
 * {@code target/ui-screenshots/}.
 */
@BrowserTest
@EndToEndTest
class UiJourneyTest {

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder()
            .env(Map.of("PATGATE_ACTIVITY_FLUSHINTERVAL", "100ms"))
            .build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    @Test
    void createUseWatchAndRevokeAToken() throws Exception {
        // Sign in: the protected page sends us to the form and back.
        browser.open("/.patgate/tokens");
        assertThat(browser.getCurrentUrl()).contains("/.patgate/login");
        browser.signIn("alice", RunningGateway.ALICE_PASSWORD);
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "My tokens"));
        browser.screenshot("01-my-tokens");

        // Create a read-only token through the form.
        browser.findElement(By.linkText("New token")).click();
        browser.findElement(By.id("name")).sendKeys("nightly-report");
        WebElement readOnly = browser.findElement(By.cssSelector("input[name=scope][value=read-only]"));
        assertThat(readOnly.isSelected()).isTrue();
        browser.screenshot("02-new-token");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();

        // The secret, shown once, with a copy button and a ready curl command.
        WebElement secretField = browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        String secret = secretField.getDomProperty("value");
        assertThat(secret).startsWith("pat_");
        assertThat(browser.findElement(By.id("curl")).getText()).contains("Authorization: Bearer " + secret);
        browser.findElement(By.cssSelector("[data-copy=secret]")).click();
        browser.until(d -> !d.findElement(By.id("copy-status")).getText().isEmpty());
        browser.screenshot("03-secret-shown-once", "warning: Copy the token now.");

        // Use it through the gateway: reads pass, writes are refused.
        assertThat(fixture.bearer("GET", "/rest/api/2/issue/PAT-1", secret).status())
                .isEqualTo(200);
        assertThat(fixture.upstream.last().path()).isEqualTo("/rest/api/2/issue/PAT-1");
        assertThat(fixture.send("DELETE", "/rest/api/2/issue/PAT-1", Map.of("Authorization", "Bearer " + secret), null)
                        .status())
                .isEqualTo(403);

        // The detail page shows the activity and the chart once the recorder has flushed.
        browser.findElement(By.partialLinkText("show the token's page")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "nightly-report"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .pollingEvery(Duration.ofMillis(300))
                .until(d -> {
                    d.navigate().refresh();
                    return d.findElements(By.id("activity")).stream()
                            .anyMatch(t -> t.getText().contains("/rest/api/2/issue/PAT-1"));
                });
        browser.until(ExpectedConditions.textMatches(By.id("chart-summary"), Pattern.compile("^2 requests")));
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("activity")).getText())
                .contains("GET /rest/api/2/issue/PAT-1", "200", "DELETE /rest/api/2/issue/PAT-1", "403");
        // A working token's page says so: active, and no banner claiming it does not work.
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualToIgnoringCase("active");
        assertThat(browser.findElements(By.id("status-reason"))).isEmpty();
        browser.screenshot("04-token-activity");

        // Revoke from the list: htmx asks for confirmation and swaps the row.
        browser.findElement(By.linkText("My tokens")).click();
        WebElement row = browser.rowOf("nightly-report");
        row.findElement(By.cssSelector("button.danger")).click();
        browser.until(ExpectedConditions.alertIsPresent()).accept();
        // htmx replaces the row: look it up afresh on every poll.
        browser.await()
                .ignoring(StaleElementReferenceException.class)
                .until(d -> browser.rowOf("nightly-report")
                        .getText()
                        .toLowerCase(Locale.ROOT)
                        .contains("revoked"));
        assertThat(browser.getCurrentUrl()).endsWith("/.patgate/tokens");
        browser.screenshot("05-revoked");

        // The gateway refuses it from now on.
        assertThat(fixture.bearer("GET", "/rest/api/2/issue/PAT-1", secret).status())
                .isEqualTo(401);
        browser.open("/.patgate/tokens/"
                + browser.rowOf("nightly-report").getDomAttribute("id").substring("token-".length()));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualToIgnoringCase("revoked");
        assertThat(browser.banners())
                .singleElement()
                .asString()
                .startsWith("error: This token does not work: revoked by alice at ");

        // Sign out, then the admin sees every token in the token manager.
        browser.findElement(By.cssSelector("form.signout button")).click();
        browser.until(ExpectedConditions.urlContains("/.patgate/login"));
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.findElement(By.linkText("Token manager")).click();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("status"))).selectByValue("active");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        browser.until(ExpectedConditions.urlContains("status=active"));
        assertThat(browser.findElement(By.tagName("tbody")).getText())
                .contains("alice")
                .doesNotContain("nightly-report");
        browser.screenshot("06-token-manager");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy")
                        || e.getLevel().equals(Level.SEVERE))
                .toList();
        assertThat(violations).as("browser console errors and CSP violations").isEmpty();
    }
}
