package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.support.ui.Select;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * The administrator's journey in a real headless Chromium: allow password authentication on the
 * REST API in the settings and see a password request pass the gateway, block it again and see it
 * refused, reset to the configuration, grant a group permissions and a policy, and find every change
 * in the audit log. Skips when Chromium or its driver is not installed. Screenshots go to
 * {@code target/ui-screenshots/}.
 */
@BrowserTest
@EndToEndTest
class UiAdminJourneyTest {

    private static final String REST = "/rest/api/2/myself";

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder().build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    @Test
    void adminAllowsThenBlocksPasswordsOnTheRestApiAndFindsTheChangesInTheAuditLog() throws Exception {
        // Out of the box a password on a REST path is refused.
        assertThat(passwordRequest()).isEqualTo(401);

        browser.get(fixture.base() + "/.patgate/login");
        browser.findElement(By.id("username")).sendKeys(TestServer.ADMIN);
        browser.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.until(ExpectedConditions.presenceOfElementLocated(By.linkText("Settings")))
                .click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Settings"));
        assertThat(browser.findElement(By.id("passwordAuth-source")).getText()).isEqualTo("from configuration");

        // Allow passwords: a Basic-password request now passes the gateway.
        new Select(browser.findElement(By.id("passwordAuth"))).selectByValue("allow");
        submitSettings();
        assertThat(browser.findElement(By.id("passwordAuth-source")).getText()).isEqualTo("stored");
        assertThat(browser.findElement(By.id("paths-source")).getText()).isEqualTo("from configuration");
        browser.screenshot("07-admin-settings", "success: Settings saved");
        assertThat(passwordRequest()).isEqualTo(200);
        assertThat(fixture.upstream.last().path()).isEqualTo(REST);

        // A mistake is shown beside its field and changes nothing.
        new Select(browser.findElement(By.id("passwordAuth"))).selectByValue("block");
        WebElement paths = browser.findElement(By.id("paths"));
        paths.sendKeys("\nno-leading-slash/**");
        submit("#settings-form button[type=submit]");
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("paths-error")));
        assertThat(browser.findElement(By.id("paths-error")).getText()).startsWith("line 2:");
        browser.screenshot("08-admin-settings-error", "error: ");
        assertThat(passwordRequest()).as("the refused form changed nothing").isEqualTo(200);

        // Block again: refused.
        paths = browser.findElement(By.id("paths"));
        paths.clear();
        paths.sendKeys("/rest/**");
        new Select(browser.findElement(By.id("passwordAuth"))).selectByValue("block");
        submitSettings();
        assertThat(passwordRequest()).isEqualTo(401);

        // Reset to the configuration, after confirming.
        browser.findElement(By.id("reset-settings")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Reset every setting"));
        submit("form.form-actions button.danger");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".alert.success"), "follows the configuration again"));
        assertThat(browser.findElement(By.id("passwordAuth-source")).getText()).isEqualTo("from configuration");
        assertThat(browser.findElements(By.id("reset-settings"))).isEmpty();

        // Permissions & policies: add a group and give it a policy.
        browser.findElement(By.linkText("Permissions & policies")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Permissions & policies"));
        browser.findElement(By.id("new-group")).sendKeys("integrations");
        browser.findElement(By.id("new-perm-use-tokens")).click();
        browser.findElement(By.id("new-perm-create-tokens-for-others")).click();
        submit("#group-new button[type=submit]");
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".alert.success"), "integrations"));
        WebElement card = groupCard("integrations");
        String id = card.getDomAttribute("id");
        assertThat(browser.findElement(By.id(id + "-perm-create-tokens-for-others"))
                        .isSelected())
                .isTrue();
        browser.findElement(By.id(id + "-maxLifetimeDays")).sendKeys("90");
        browser.findElement(By.id(id + "-expiryRequired")).click();
        browser.findElement(By.id(id + "-scope-read-only")).click();
        submit("#" + id + " form.policy button[type=submit]");
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".alert.success"), "integrations"));
        assertThat(browser.findElement(By.id(groupCard("integrations").getDomAttribute("id") + "-maxLifetimeDays"))
                        .getDomProperty("value"))
                .isEqualTo("90");
        assertThat(fixture.server
                        .asAdmin("GET", "/.patgate/api/v1/policies/groups/integrations", null)
                        .json()
                        .get("policy")
                        .get("maxLifetimeDays")
                        .asInt())
                .isEqualTo(90);
        browser.screenshot("09-admin-permissions", "success: Saved the changes to integrations");

        // The audit log has every change, newest first, and the same filter downloads as CSV.
        browser.findElement(By.linkText("Audit")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Audit log"));
        browser.findElement(By.id("action")).sendKeys("settings.update");
        submit("form.filters button[type=submit]");
        browser.until(ExpectedConditions.urlContains("action=settings.update"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#audit tbody tr"));
        assertThat(rows).hasSize(2);
        assertThat(rows.getFirst().getText()).contains("rest.passwordAuth: allow -> block");
        assertThat(rows.get(1).getText()).contains("rest.passwordAuth: block -> allow");
        assertThat(browser.findElement(By.id("audit-csv")).getDomAttribute("href"))
                .isEqualTo("/.patgate/admin/audit.csv?action=settings.update");
        browser.screenshot("10-admin-audit");

        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy")
                        || e.getLevel().equals(Level.SEVERE))
                // The refused settings form is answered 400 on purpose; Chromium logs every 4xx page.
                .filter(e -> !e.getMessage()
                        .contains("/.patgate/admin/settings - Failed to load resource: the server "
                                + "responded with a status of 400"))
                .toList();
        assertThat(violations).as("browser console errors and CSP violations").isEmpty();
    }

    /** A REST request through the gateway with alice's directory password (HTTP Basic). */
    private static int passwordRequest() {
        return fixture.send(
                        "GET",
                        REST,
                        Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)),
                        null)
                .status();
    }

    private static void submitSettings() {
        submit("#settings-form button[type=submit]");
        browser.until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".alert.success"), "Settings saved"));
    }

    /** Clicks a submit button and waits for the next page to replace this one. */
    private static void submit(String css) {
        WebElement button = browser.findElement(By.cssSelector(css));
        button.click();
        browser.until(driver -> isGone(button));
    }

    /**
     * Whether the element's document was replaced. While the new page loads, ChromeDriver may answer
     * "node does not belong to the document" instead of a stale-element error: that is gone too.
     */
    private static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    private static WebElement groupCard(String name) {
        return browser.findElements(By.cssSelector("section.group-access")).stream()
                .filter(s -> s.findElement(By.tagName("h2")).getText().equals("Group " + name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no card for group " + name));
    }
}
