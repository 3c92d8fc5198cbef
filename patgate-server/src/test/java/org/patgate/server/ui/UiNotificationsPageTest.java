package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;

/** The admin Notifications page: setting a group's target by form, the delivery log, the secret never shown. */
class UiNotificationsPageTest {

    private static final String SECRET = "ui-secret-0123456789";

    @Test
    void anAdminSetsAWebhookTargetAndSeesTheFailedAttemptInTheLog(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.h2(dir)) {
            server.createUser("frank", "frank-password-123", "developers");
            UiClient admin = UiClient.signedIn(server.baseUri(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            UiClient.Answer page = admin.get("/.patgate/admin/notifications");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("Delivery log").contains("No targets yet.");

            Map<String, String> form = new LinkedHashMap<>();
            form.put("_csrf", page.csrf());
            form.put("group", "developers");
            form.put("webhookUrl", "http://127.0.0.1:1/hook");
            form.put("webhookSecret", SECRET);
            UiClient.Answer set = admin.post("/.patgate/admin/notifications/targets", form);
            assertThat(set.status()).as(set.body() + set.headers()).isEqualTo(303);

            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("_csrf", page.csrf());
            bad.put("group", "developers");
            bad.put("webhookUrl", "ftp://example.com/");
            UiClient.Answer refused = admin.post("/.patgate/admin/notifications/targets", bad);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("webhookUrl: must be an absolute http(s) URL");

            // An admin creates a token for frank, a member: the notice goes to the (unreachable) webhook.
            assertThat(server.asAdmin(
                                    "POST",
                                    "/.patgate/api/v1/tokens",
                                    Map.of("name", "svc", "owner", "frank", "scope", "read-only"))
                            .status())
                    .isEqualTo(201);
            server.server().notifications().deliverDue();
            UiClient.Answer log = admin.get("/.patgate/admin/notifications");
            assertThat(log.body())
                    .contains("developers")
                    .contains("http://127.0.0.1:1/hook")
                    .contains("token.created-for-you")
                    .contains("pending")
                    .doesNotContain(SECRET);

            Map<String, String> remove = new LinkedHashMap<>();
            remove.put("_csrf", log.csrf());
            remove.put("group", "developers");
            assertThat(admin.post("/.patgate/admin/notifications/delete", remove)
                            .status())
                    .isEqualTo(303);
            assertThat(admin.get("/.patgate/admin/notifications").body()).contains("No targets yet.");

            UiClient member = UiClient.signedIn(server.baseUri(), "frank", "frank-password-123");
            assertThat(member.get("/.patgate/admin/notifications").status()).isEqualTo(403);
        }
    }
}
