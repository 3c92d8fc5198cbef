package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/**
 * The administrator's journey in a real headless Chromium: filter the token manager by owner,
 * revoke every token of that user (the gateway then refuses them), approve a pending token (the
 * gateway then lets it through), create a token for another user, look at users and groups, and read
 * the API documentation.
 * Skips when Chromium or its driver is not installed. Screenshots go to
 * {@code target/ui-screenshots/}.
 */
@BrowserTest
@EndToEndTest
class UiManagerJourneyTest {

    private static final String CAROL_PASSWORD = "carol-password-123";
    private static final String PATH = "/rest/api/2/myself";

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder().build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    @Test
    void adminFiltersBulkRevokesApprovesAndCreatesATokenForAnotherUser() throws Exception {
        RunningServer server = fixture.server;
        // Set-up through the API: a group whose tokens need approval, and a member with a pending token.
        server.createUser("carol", CAROL_PASSWORD, "contractors");
        assertThat(server.asAdmin(
                                "PUT", "/.patgate/api/v1/policies/groups/contractors", Map.of("approvalRequired", true))
                        .status())
                .isEqualTo(200);
        var pending = server.call(
                        "POST",
                        "/.patgate/api/v1/tokens",
                        "carol",
                        CAROL_PASSWORD,
                        Map.of("name", "carol-sync", "scope", "read-only"))
                .json();
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        String carolsSecret = pending.get("token").asText();
        assertThat(fixture.bearer("GET", PATH, carolsSecret).status()).isEqualTo(401);
        assertThat(fixture.bearer("GET", PATH, fixture.readOnly()).status()).isEqualTo(200);
        assertThat(fixture.bearer("GET", PATH, fixture.readWrite()).status()).isEqualTo(200);

        browser.open("/.patgate/admin/tokens");
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Token manager"));

        // Filter by owner: alice's two tokens, nobody else's.
        browser.findElement(By.id("owner")).sendKeys("alice");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("sort"))).selectByValue("name");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        browser.until(ExpectedConditions.urlContains("owner=alice"));
        String table = browser.findElement(By.tagName("tbody")).getText();
        assertThat(table).contains("alice").doesNotContain("carol-sync");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(2);
        browser.screenshot("11-token-manager-filtered");

        // Revoke every token matching the filter, after a confirmation that shows the count.
        browser.findElement(By.id("revoke-matching")).click();
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("revoke-count")));
        assertThat(browser.findElement(By.id("revoke-count")).getText()).startsWith("2 tokens will be revoked");
        browser.screenshot("12-bulk-revoke-confirm");
        browser.findElement(By.id("confirm-revoke")).click();
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("revoked-status")));
        assertThat(browser.findElement(By.id("revoked-status")).getText()).isEqualTo("2 tokens revoked.");
        assertThat(browser.getCurrentUrl()).contains("owner=alice").contains("sort=name");
        assertThat(browser.findElement(By.tagName("tbody")).getText()).doesNotContain("active");
        browser.screenshot("13-bulk-revoked", "success: 2 tokens revoked.");
        assertThat(fixture.bearer("GET", PATH, fixture.readOnly()).status()).isEqualTo(401);
        assertThat(fixture.bearer("GET", PATH, fixture.readWrite()).status()).isEqualTo(401);

        // Approve carol's pending token on the approvals page; the gateway lets it through from now on.
        browser.findElement(By.linkText("Approvals")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Approvals"));
        WebElement row = browser.rowOf("carol-sync");
        assertThat(row.getText()).contains("carol");
        browser.screenshot("14-approvals");
        row.findElement(By.cssSelector("button.primary")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "No tokens are waiting"));
        assertThat(fixture.bearer("GET", PATH, carolsSecret).status()).isEqualTo(200);

        // Create a token for carol from the token manager; its secret is shown once, and works.
        browser.findElement(By.linkText("Token manager")).click();
        browser.findElement(By.linkText("New token for a user")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "New token"));
        browser.findElement(By.id("owner")).sendKeys("carol");
        browser.findElement(By.id("name")).sendKeys("carol-ci");
        browser.screenshot("15-token-for-another-user");
        browser.findElement(By.cssSelector("form.form button[type=submit]")).click();
        WebElement secretField = browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        String secret = secretField.getDomProperty("value");
        assertThat(browser.findElement(By.id("owner-note")).getText()).contains("carol");
        // carol's policy asks for approval: the new token waits like any other of hers.
        assertThat(browser.findElement(By.cssSelector(".facts")).getText()).containsIgnoringCase("pending");
        assertThat(fixture.bearer("GET", PATH, secret).status()).isEqualTo(401);
        browser.findElement(By.linkText("Approvals")).click();
        browser.rowOf("carol-ci").findElement(By.cssSelector("button.primary")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "No tokens are waiting"));
        assertThat(fixture.bearer("GET", PATH, secret).status()).isEqualTo(200);
        // Its page now says it works: active, no banner.
        browser.findElement(By.linkText("Token manager")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Token manager"));
        browser.findElement(By.linkText("carol-ci")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "carol-ci"));
        assertThat(browser.findElement(By.cssSelector("h1 .status")).getText()).isEqualToIgnoringCase("active");
        assertThat(browser.banners()).isEmpty();

        // Users and groups: carol's group with its member count.
        browser.findElement(By.linkText("Users & groups")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Users & groups"));
        assertThat(browser.findElement(By.id("groups")).getText()).contains("contractors");
        browser.findElement(By.linkText("carol")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "User carol"));
        assertThat(browser.findElement(By.cssSelector(".facts")).getText()).contains("2 tokens");
        browser.screenshot("16-user");

        // The API's description, rendered by Swagger UI under the page's strict CSP.
        browser.findElement(By.linkText("API")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#swagger-ui .opblock")));
        assertThat(browser.findElement(By.id("swagger-ui")).getText()).contains("/tokens");
        browser.screenshot("17-api-docs");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy")
                        || e.getLevel().equals(Level.SEVERE))
                .toList();
        assertThat(violations).as("browser console errors and CSP violations").isEmpty();
    }
}
