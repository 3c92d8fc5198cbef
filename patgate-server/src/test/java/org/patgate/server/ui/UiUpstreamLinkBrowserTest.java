package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.config.IdentityConfig;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.UpstreamTokenNode;

/**
 * The "Link your Jira account" page in a real browser, on a node in front of a fake Jira: linking by
 * pasting a token (the secret never comes back in the page), having a token made with the password
 * after the consent text, a wrong password shown as a banner, unlinking, and the hint on the tokens
 * page while no link works. Screenshots go to {@code target/ui-screenshots/}.
 */
@BrowserTest
@EndToEndTest
class UiUpstreamLinkBrowserTest {

    private static final String PASSWORD = "correct-horse-battery";

    @RegisterExtension
    static final UpstreamTokenNode upstreamToken = UpstreamTokenNode.forClass(UpstreamProduct.JIRA);

    private static FakeAtlassian jira;
    private static TestServer node;

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(() -> node.baseUri());

    @BeforeAll
    static void start() throws Exception {
        jira = upstreamToken.product();
        node = upstreamToken.node();
    }

    @BeforeEach
    void signedOut() {
        browser.open("/.patgate/login");
        browser.manage().deleteAllCookies();
    }

    @Test
    void pastingATokenLinksTheAccountAndTheSecretNeverComesBack() {
        user("alice");
        signIn("alice");
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "My tokens"));
        assertThat(browser.findElement(By.id("link-hint")).getText())
                .startsWith("Your tokens cannot reach Jira until you link your Jira account");
        browser.findElement(By.id("nav-upstream-link")).click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Link your Jira account"));
        assertThat(browser.findElement(By.id("link-state")).getText()).isEqualTo("not linked");
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("open your profile")
                .contains("Personal Access Tokens");
        browser.screenshot("upstream-link-01-not-linked");

        NativeToken pasted = jira.seedToken("alice", "made in Jira", Duration.ofDays(30));
        browser.findElement(By.id("native-token")).sendKeys(pasted.secret());
        browser.findElement(By.id("paste")).click();
        browser.until(ExpectedConditions.textToBe(By.id("link-state"), "linked"));
        assertThat(browser.findElement(By.id("link-user")).getText()).isEqualTo("alice");
        assertThat(browser.driver().getPageSource()).doesNotContain(pasted.secret());
        browser.screenshot("upstream-link-02-linked", "success: Your Jira account is linked.");

        browser.open("/.patgate/upstream-link");
        assertThat(browser.driver().getPageSource()).doesNotContain(pasted.secret());
        browser.open("/.patgate/tokens");
        assertThat(browser.findElements(By.id("link-hint")))
                .as("a working link needs no hint")
                .isEmpty();
    }

    @Test
    void aTokenOfAnotherUserIsRefusedWithABanner() {
        user("bob");
        user("carol");
        NativeToken carols = jira.seedToken("carol", "made in Jira", Duration.ofDays(30));
        signIn("bob");
        browser.open("/.patgate/upstream-link");
        browser.findElement(By.id("native-token")).sendKeys(carols.secret());
        browser.findElement(By.id("paste")).click();
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("link-error")));
        assertThat(browser.findElement(By.id("link-error")).getText()).contains("belongs to carol");
        assertThat(browser.findElement(By.id("link-state")).getText()).isEqualTo("not linked");
        assertThat(browser.driver().getPageSource())
                .doesNotContain(carols.secret())
                .doesNotContain("Exception");
    }

    @Test
    void creatingATokenWithThePasswordShowsTheConsentFirstAndMakesATokenNamedPatgate() {
        user("dave");
        signIn("dave");
        browser.open("/.patgate/upstream-link");
        assertThat(browser.findElement(By.id("consent-text")).getText())
                .isEqualTo("PATgate will sign in to Jira as you with this password once, create a personal access token"
                        + " named \"PATgate\" valid for " + nativeLifetimeDays()
                        + " days, and keep it encrypted; the password is not stored.");
        assertThat(jira.tokensOf("dave")).isEmpty();

        browser.findElement(By.id("upstream-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("consent")).click();
        browser.findElement(By.id("mint")).click();
        browser.until(ExpectedConditions.textToBe(By.id("link-state"), "linked"));
        assertThat(jira.tokensOf("dave")).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("PATgate");
            assertThat(browser.driver().getPageSource()).doesNotContain(t.secret());
        });
        assertThat(browser.driver().getPageSource()).doesNotContain(PASSWORD);
        browser.screenshot("upstream-link-03-minted", "success: PATgate created a personal access token");
    }

    @Test
    void aWrongPasswordShowsABannerAndLinksNothing() {
        user("erin");
        signIn("erin");
        browser.open("/.patgate/upstream-link");
        browser.findElement(By.id("upstream-password")).sendKeys("not-the-password");
        browser.findElement(By.id("consent")).click();
        browser.findElement(By.id("mint")).click();
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("link-error")));
        assertThat(browser.findElement(By.id("link-error")).getText())
                .startsWith("Jira refused the sign-in: the password is wrong");
        assertThat(browser.findElement(By.id("link-state")).getText()).isEqualTo("not linked");
        assertThat(jira.tokensOf("erin")).isEmpty();
        assertThat(browser.driver().getPageSource())
                .doesNotContain("not-the-password")
                .doesNotContain("Exception");
        browser.screenshot("upstream-link-04-wrong-password", "error: Jira refused the sign-in");
    }

    @Test
    void unlinkingRevokesTheMintedTokenInJiraAndSaysSo() {
        user("frank");
        signIn("frank");
        browser.open("/.patgate/upstream-link");
        browser.findElement(By.id("upstream-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("consent")).click();
        browser.findElement(By.id("mint")).click();
        browser.until(ExpectedConditions.textToBe(By.id("link-state"), "linked"));
        assertThat(jira.tokensOf("frank")).hasSize(1);

        browser.findElement(By.id("unlink")).click();
        browser.until(ExpectedConditions.textToBe(By.id("link-state"), "revoked"));
        assertThat(browser.findElement(By.id("link-notice")).getText()).isEqualTo("Unlinked. Jira revoked the token.");
        assertThat(browser.findElement(By.id("link-reason")).getText()).contains("unlinked by the user");
        assertThat(jira.tokensOf("frank")).isEmpty();
        assertThat(browser.findElements(By.id("unlink"))).isEmpty();
        browser.open("/.patgate/tokens");
        assertThat(browser.findElement(By.id("link-hint")).getText()).contains("link your Jira account");
    }

    @Test
    void anAdminSeesTheLinkOnTheUserPageAndRemovesIt() {
        user("gus");
        NativeToken pasted = jira.seedToken("gus", "made in Jira", Duration.ofDays(30));
        assertThat(node.call(
                                "PUT",
                                "/.patgate/api/v1/me/upstream-link",
                                "gus",
                                PASSWORD,
                                Map.of("token", pasted.secret()))
                        .status())
                .isEqualTo(200);
        browser.open("/.patgate/login");
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "My tokens"));
        browser.open("/.patgate/admin/users/gus");
        browser.until(ExpectedConditions.textToBe(By.id("admin-link-state"), "linked"));
        assertThat(browser.findElement(By.id("upstream-link")).getText())
                .contains("Jira user")
                .contains("gus");
        assertThat(browser.driver().getPageSource()).doesNotContain(pasted.secret());
        browser.findElement(By.id("remove-link")).click();
        browser.until(ExpectedConditions.textToBe(By.id("admin-link-state"), "revoked"));
        assertThat(browser.findElement(By.id("admin-link-reason")).getText()).contains("unlinked by admin");
        assertThat(browser.findElements(By.id("remove-link"))).isEmpty();
        assertThat(node.call("GET", "/.patgate/api/v1/me/upstream-link", "gus", PASSWORD, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("revoked");
    }

    private static long nativeLifetimeDays() {
        return IdentityConfig.DEFAULT_NATIVE_TOKEN_LIFETIME.toDays();
    }

    private static void user(String name) {
        node.createUser(name, PASSWORD);
        jira.addUser(name, PASSWORD, name.substring(0, 1).toUpperCase() + name.substring(1));
    }

    private static void signIn(String name) {
        browser.open("/.patgate/login");
        browser.signIn(name, PASSWORD);
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "My tokens"));
    }
}
