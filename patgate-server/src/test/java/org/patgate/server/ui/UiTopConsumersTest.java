package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * "Top consumers" in a real headless Chromium: three tokens used 30, 10 and 3 times through the
 * gateway are ranked in that order on the page, as {@code /usage/top} ranks them; the chart draws
 * their series (loaded by the page's script, no inline script); a token's name leads to its page,
 * which lists the address it was used from.
 */
@BrowserTest
@EndToEndTest
class UiTopConsumersTest {

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder().build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    private static String token(String name) {
        return fixture.server
                .createToken("alice", RunningGateway.ALICE_PASSWORD, Map.of("name", name, "scope", "read-only"))
                .get("token")
                .asText();
    }

    private static void use(String token, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(fixture.bearer("GET", "/rest/api/2/issue/DEMO-" + i, token)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void threeTokensAreRankedByTheirRequestsOnThePageAndInTheApi() {
        use(token("nightly-export"), 30);
        use(token("dashboard"), 10);
        use(token("one-off-script"), 3);
        JsonNode top = awaitTop(43);
        List<String> apiOrder = new ArrayList<>();
        top.get("items").forEach(row -> apiOrder.add(row.get("label").asText()));
        assertThat(apiOrder).containsExactly("nightly-export (alice)", "dashboard (alice)", "one-off-script (alice)");

        browser.open("/.patgate/login");
        browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.presenceOfElementLocated(By.id("nav-usage")))
                .click();
        browser.until(ExpectedConditions.textToBe(By.tagName("h1"), "Top consumers"));
        browser.findElement(By.linkText("Last hour")).click();
        browser.until(ExpectedConditions.attributeToBe(
                By.cssSelector("nav.tabs a[href*='window=hour'][href*='by=token']"), "aria-current", "page"));

        List<WebElement> rows = browser.findElements(By.cssSelector("#usage tbody tr"));
        assertThat(rows).hasSize(3);
        List<String> pageOrder = rows.stream()
                .map(r -> r.findElement(By.tagName("th")).getText())
                .toList();
        assertThat(pageOrder).isEqualTo(apiOrder);
        assertThat(rows.stream()
                        .map(r -> r.findElements(By.tagName("td")).get(1).getText())
                        .toList())
                .containsExactly("30", "10", "3");
        browser.until(ExpectedConditions.attributeToBe(By.id("usage-chart"), "data-drawn", "true"));
        assertThat(browser.findElement(By.id("usage-chart-summary")).getText())
                .isEqualTo("nightly-export (alice): 30 · dashboard (alice): 10 · one-off-script (alice): 3");
        assertThat(browser.findElements(By.cssSelector("#usage-chart canvas"))).isNotEmpty();
        browser.screenshot("21-top-consumers");

        // The name leads to the token's own page.
        browser.findElement(By.linkText("dashboard (alice)")).click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "dashboard"));
        // Its page lists where it was used from.
        assertThat(browser.findElement(By.cssSelector("#addresses tbody th")).getText())
                .isEqualTo("127.0.0.1");
    }

    private static JsonNode awaitTop(long requests) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode top;
        do {
            fixture.server.server().activity().flush();
            top = fixture.server
                    .asAdmin("GET", "/.patgate/api/v1/usage/top?by=token&window=hour", null)
                    .json();
            long seen = 0;
            for (JsonNode row : top.get("items")) {
                seen += row.get("requests").asLong();
            }
            if (seen >= requests) {
                return top;
            }
        } while (System.nanoTime() < deadline);
        return top;
    }
}
