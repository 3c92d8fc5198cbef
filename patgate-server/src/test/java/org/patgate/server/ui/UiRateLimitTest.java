package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.patgate.server.testing.BrowserTest;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.HeadlessBrowser;
import org.patgate.server.testing.RunningGateway;

/**
 * A token's page in a real browser shows the rate limit that applies, who set it, and what is left of
 * it now; looking at the page counts nothing.
 */
@EndToEndTest
@BrowserTest
class UiRateLimitTest {

    @RegisterExtension
    static final RunningGateway fixture = RunningGateway.builder().build();

    @RegisterExtension
    static final HeadlessBrowser browser = HeadlessBrowser.on(fixture::base);

    @Test
    void theTokenPageShowsTheLimitAndWhatIsLeftNow() {
        JsonNode token = fixture.server.createToken(
                "alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "limited", "scope", "read-write"));
        String id = token.get("id").asText();
        assertThat(fixture.server
                        .asAdmin("PUT", "/.patgate/api/v1/tokens/" + id + "/rate-limit", Map.of("perMinute", 10))
                        .status())
                .isEqualTo(200);
        assertThat(fixture.bearer(
                                "GET", "/rest/api/2/myself", token.get("token").asText())
                        .status())
                .isEqualTo(200);

        browser.open("/.patgate/tokens/" + id);
        browser.signIn("alice", RunningGateway.ALICE_PASSWORD);
        browser.open("/.patgate/tokens/" + id);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "limited"));

        assertThat(browser.findElement(By.id("rate-limit")).getText())
                .isEqualTo("10 requests per minute, set by the token: 9 left now");
        browser.open("/.patgate/tokens/" + id);
        assertThat(browser.findElement(By.id("rate-limit")).getText()).endsWith("9 left now");
        browser.screenshot("rate-limit-on-the-token-page");
    }
}
