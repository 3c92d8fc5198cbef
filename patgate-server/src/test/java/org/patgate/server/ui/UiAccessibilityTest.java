package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * Every page of the UI, as rendered by a real headless Chromium, passes basic accessibility checks: a
 * page language, one {@code h1}, every form control with a label (or an ARIA name), every link and
 * button with a name, every image with {@code alt}, and no positive {@code tabindex} that would break
 * the keyboard order. Skips when Chromium or its driver is not installed.
 */
@BrowserTest
@EndToEndTest
class UiAccessibilityTest {

    /** Runs in the page; answers what is wrong, one string per problem. */
    private static final String CHECKS = """
            const problems = [];
            if (!document.documentElement.lang) problems.push('the page has no lang');
            const h1 = document.querySelectorAll('h1').length;
            if (h1 !== 1) problems.push(h1 + ' h1 elements');
            for (const el of document.querySelectorAll('input, select, textarea')) {
              if (['hidden', 'submit', 'button', 'reset'].includes(el.type)) continue;
              const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label')
                  || el.getAttribute('aria-labelledby') || el.title;
              if (!named) problems.push('no label: ' + el.outerHTML.slice(0, 100));
            }
            for (const el of document.querySelectorAll('a[href], button, input[type=submit]')) {
              const name = (el.innerText || el.value || '').trim() || el.getAttribute('aria-label') || el.title;
              if (!name) problems.push('no name: ' + el.outerHTML.slice(0, 100));
            }
            for (const img of document.querySelectorAll('img')) {
              if (!img.hasAttribute('alt')) problems.push('no alt: ' + img.outerHTML.slice(0, 100));
            }
            for (const el of document.querySelectorAll('[tabindex]')) {
              if (parseInt(el.getAttribute('tabindex'), 10) > 0) problems.push('positive tabindex: ' + el.outerHTML.slice(0, 100));
            }
            return problems;""";

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder().build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    @Test
    void everyPagePassesTheBasicAccessibilityChecks() {
        String tokenId = fixture.server
                .asAdmin("POST", "/.patgate/api/v1/tokens", Map.of("name", "a11y", "scope", "read-only"))
                .json()
                .get("id")
                .asText();
        List<String> problems = new ArrayList<>();

        browser.get(fixture.base() + "/.patgate/login");
        problems.addAll(check("/.patgate/login"));
        browser.findElement(By.id("username")).sendKeys(TestServer.ADMIN);
        browser.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.until(ExpectedConditions.urlContains("/.patgate/tokens"));

        for (String page : List.of(
                "/.patgate/tokens",
                "/.patgate/tokens/new",
                "/.patgate/tokens/" + tokenId,
                "/.patgate/tokens/" + tokenId + "/revoke",
                "/.patgate/admin/tokens",
                "/.patgate/admin/approvals",
                "/.patgate/admin/users",
                "/.patgate/admin/users/new",
                "/.patgate/admin/users/alice",
                "/.patgate/admin/permissions",
                "/.patgate/admin/settings",
                "/.patgate/admin/audit",
                "/.patgate/admin/usage")) {
            browser.get(fixture.base() + page);
            problems.addAll(check(page));
        }

        assertThat(problems).as("accessibility problems").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> check(String page) {
        List<Object> found = (List<Object>) browser.executeScript(CHECKS);
        return found.stream().map(p -> page + ": " + p).toList();
    }
}
