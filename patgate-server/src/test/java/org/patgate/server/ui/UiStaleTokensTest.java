package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;

/** The token manager's one-click "Stale" view: the existing last-used filter, 90 days back. */
class UiStaleTokensTest {

    private static final Pattern STALE = Pattern.compile("<a class=\"button\" href=\"([^\"]+)\"[^>]*>Stale</a>");

    @Test
    void theStaleButtonListsOnlyTokensUnusedFor90Days(@TempDir Path dir) {
        try (TestServer server = TestServer.h2(dir)) {
            server.createUser("frank", "frank-password-123");
            assertThat(server.call(
                                    "POST",
                                    "/.patgate/api/v1/tokens",
                                    "frank",
                                    "frank-password-123",
                                    Map.of("name", "forgotten-job", "scope", "read-only"))
                            .status())
                    .isEqualTo(201);
            server.clock().advance(Duration.ofDays(100));
            assertThat(server.call(
                                    "POST",
                                    "/.patgate/api/v1/tokens",
                                    "frank",
                                    "frank-password-123",
                                    Map.of("name", "fresh-job", "scope", "read-only"))
                            .status())
                    .isEqualTo(201);

            UiClient admin = UiClient.signedIn(server.baseUri(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            UiClient.Answer all = admin.get("/.patgate/admin/tokens");
            assertThat(all.body()).contains("forgotten-job").contains("fresh-job");
            Matcher link = STALE.matcher(all.body());
            assertThat(link.find()).as("a Stale button").isTrue();
            String href = link.group(1).replace("&amp;", "&");
            assertThat(href).contains("lastUsedBefore=").contains("status=active");

            UiClient.Answer stale = admin.get(href);
            assertThat(stale.status()).isEqualTo(200);
            assertThat(stale.body()).contains("forgotten-job").doesNotContain("fresh-job");
        }
    }
}
