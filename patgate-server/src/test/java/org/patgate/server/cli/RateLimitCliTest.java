package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/**
 * The rate-limit options of the CLI against a running server, as the admin guide's "Rate limits"
 * section shows them: a group's limits with {@code policy set}, a token's with {@code token create}
 * and {@code token rate-limit}, a user's with {@code user rate-limit}; bad values are one line on
 * standard error and exit 1.
 */
@EndToEndTest
class RateLimitCliTest {

    static final String PASSWORD = "alice-password-123";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("alice", PASSWORD, "developers").build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @Test
    void theAdminGuidesCommandsSetEachKindOfLimit() {
        // bin/patgate policy set developers --rate-limit-per-second 20 --rate-limit-burst 40 --rate-limit 600
        Result policy = cli.admin(
                "policy",
                "set",
                "developers",
                "--rate-limit-per-second",
                "20",
                "--rate-limit-burst",
                "40",
                "--rate-limit",
                "600");
        assertThat(policy.exitCode()).as(policy.err()).isZero();
        assertThat(policy.out())
                .contains("\"rateLimitPerMinute\":600")
                .contains("\"rateLimitPerSecond\":20")
                .contains("\"rateLimitBurst\":40");

        // bin/patgate token create --name sync --rate-limit-per-minute 2 (within the group's limit)
        Result token = cli.run(
                "alice",
                PASSWORD,
                "token",
                "create",
                "--name",
                "sync",
                "--rate-limit-per-second",
                "20",
                "--rate-limit-burst",
                "40",
                "--rate-limit-per-minute",
                "2",
                "--json");
        assertThat(token.exitCode()).as(token.err()).isZero();
        String id = token.out().replaceAll("(?s).*\"id\" : \"([^\"]+)\".*", "$1");
        Result shown = cli.run("alice", PASSWORD, "token", "rate-limit", id);
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("\"perMinute\" : 2").contains("\"setBy\" : \"the token\"");

        Result higher = cli.run("alice", PASSWORD, "token", "rate-limit", id, "--rate-limit-per-minute", "5000");
        assertThat(higher.exitCode()).isEqualTo(1);
        assertThat(higher.err().strip()).contains("group 'developers'").doesNotContain("\n");

        // bin/patgate user rate-limit alice --rate-limit-per-day 50000
        Result user = cli.admin("user", "rate-limit", "alice", "--rate-limit-per-day", "50000");
        assertThat(user.exitCode()).as(user.err()).isZero();
        assertThat(user.out()).contains("\"perDay\" : 50000");
        assertThat(cli.admin("user", "rate-limit", "alice", "--remove").out()).contains("removed");

        Result both = cli.admin("user", "rate-limit", "alice", "--remove", "--rate-limit-per-day", "5");
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("not both");

        Result bad = cli.admin("user", "rate-limit", "alice", "--rate-limit-per-minute", "0");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("perMinute");
    }
}
