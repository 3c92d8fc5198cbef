package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/** The admin CLI commands against a running server: permissions, policies, approvals. */
class AdminCliTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("intern", "intern-password-12", "interns")
            .build();

    record Result(int exitCode, String out, String err) {}

    static Result run(String user, String password, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_URL", server.baseUri().toString());
        env.put("PATGATE_USER", user);
        env.put("PATGATE_PASSWORD", password);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static Result admin(String... args) {
        return run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, args);
    }

    @Test
    void permissionsAreListedAndSet() {
        Result set = admin("permissions", "set", "interns", "use-tokens", "create-tokens");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("interns: create-tokens, use-tokens");

        Result list = admin("permissions", "list");
        assertThat(list.out()).contains("everyone").contains("patgate-admins").contains("admin").contains("interns");

        Result bad = admin("permissions", "set", "interns", "fly");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown permission");
        assertThat(run("intern", "intern-password-12", "permissions", "list").exitCode()).isEqualTo(1);
    }

    @Test
    void policiesAndApprovalsWorkEndToEnd() {
        Result policy = admin("policy", "set", "interns", "--approval-required", "--max-lifetime-days", "30");
        assertThat(policy.exitCode()).as(policy.err()).isZero();
        assertThat(admin("policy", "list").out()).contains("interns").contains("\"maxLifetimeDays\":30");

        Result tooLong = run("intern", "intern-password-12", "token", "create", "--name", "x", "--expires-in-days", "31");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("30 days").contains("interns");
        Result created = run("intern", "intern-password-12", "token", "create", "--name", "etl", "--expires-in-days", "7",
                "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("\"status\" : \"pending\"");

        Result pending = admin("approvals", "list");
        assertThat(pending.out()).contains("intern").contains("etl").contains("1 pending");
        String id = pending.out().lines().findFirst().orElseThrow().split("\\s+")[0];
        assertThat(admin("approvals", "deny", id).exitCode()).as("a reason is required").isEqualTo(2);
        Result approved = admin("approvals", "approve", id, "--reason", "looks fine");
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains(id + ": active");

        assertThat(admin("policy", "delete", "interns").exitCode()).isZero();
        assertThat(admin("policy", "delete", "interns").exitCode()).as("already gone").isEqualTo(1);
    }
}
