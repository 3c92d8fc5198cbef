package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/** The admin CLI commands against a running server: permissions, policies, approvals. */
@EndToEndTest
class AdminCliTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("intern", "intern-password-12", "interns")
            .build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @Test
    void permissionsAreListedAndSet() {
        Result set = cli.admin("permissions", "set", "interns", "use-tokens", "create-tokens");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("interns: create-tokens, use-tokens");

        Result list = cli.admin("permissions", "list");
        assertThat(list.out())
                .contains("everyone")
                .contains("patgate-admins")
                .contains("admin")
                .contains("interns");

        Result bad = cli.admin("permissions", "set", "interns", "fly");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown permission");
        assertThat(cli.run("intern", "intern-password-12", "permissions", "list")
                        .exitCode())
                .isEqualTo(1);
    }

    @Test
    void policiesAndApprovalsWorkEndToEnd() {
        Result policy = cli.admin("policy", "set", "interns", "--approval-required", "--max-lifetime-days", "30");
        assertThat(policy.exitCode()).as(policy.err()).isZero();
        assertThat(cli.admin("policy", "list").out()).contains("interns").contains("\"maxLifetimeDays\":30");

        Result tooLong =
                cli.run("intern", "intern-password-12", "token", "create", "--name", "x", "--expires-in-days", "31");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("30 days").contains("interns");
        Result created = cli.run(
                "intern", "intern-password-12", "token", "create", "--name", "etl", "--expires-in-days", "7", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("\"status\" : \"pending\"");

        Result pending = cli.admin("approvals", "list");
        assertThat(pending.out()).contains("intern").contains("etl").contains("1 pending");
        String id = pending.out().lines().findFirst().orElseThrow().split("\\s+")[0];
        assertThat(cli.admin("approvals", "deny", id).exitCode())
                .as("a reason is required")
                .isEqualTo(2);
        Result approved = cli.admin("approvals", "approve", id, "--reason", "looks fine");
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains(id + ": active");

        assertThat(cli.admin("policy", "delete", "interns").exitCode()).isZero();
        assertThat(cli.admin("policy", "delete", "interns").exitCode())
                .as("already gone")
                .isEqualTo(1);
    }
}
