package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/** {@code patgate notifications} and the policy's notification options against a running server. */
@EndToEndTest
class NotificationsCliTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("dev", "dev-password-123", "developers")
            .build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @Test
    void aGroupTargetIsSetWithTheSecretFromAFileAndNeverPrinted(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("webhook-secret");
        Files.writeString(secret, "cli-secret-0123456789\n");
        Result set = cli.admin(
                "notifications",
                "target",
                "set",
                "developers",
                "--email",
                "dev-leads@example.com",
                "--webhook-url",
                "https://hooks.example.com/patgate",
                "--webhook-secret-file",
                secret.toString());
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out())
                .contains("developers")
                .contains("dev-leads@example.com")
                .contains("\"webhookSecretSet\":true");

        Result list = cli.admin("notifications", "targets");
        assertThat(list.out()).contains("developers").contains("https://hooks.example.com/patgate");
        assertThat(list.out() + set.out()).doesNotContain("cli-secret-0123456789");

        Result noSecret = cli.admin(
                "notifications", "target", "set", "everyone", "--webhook-url", "https://hooks.example.com/all");
        assertThat(noSecret.exitCode()).isEqualTo(1);
        assertThat(noSecret.err()).contains("webhookSecret");

        assertThat(cli.run("dev", "dev-password-123", "notifications", "targets")
                        .exitCode())
                .isEqualTo(1);
        Result deleted = cli.admin("notifications", "target", "delete", "developers");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(cli.admin("notifications", "deliveries", "--status", "failed")
                        .exitCode())
                .isZero();
    }

    @Test
    void thePolicyTakesReminderDaysAndTheUnusedLimit() {
        Result set =
                cli.admin("policy", "set", "developers", "--reminder-days", "14,3", "--revoke-unused-after-days", "60");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("\"reminderDays\":[14,3]").contains("\"revokeUnusedAfterDays\":60");

        Result bad = cli.admin("policy", "set", "developers", "--revoke-unused-after-days", "1");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("revokeUnusedAfterDays");
    }
}
