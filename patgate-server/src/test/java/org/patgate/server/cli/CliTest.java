package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.token.TokenVerifier;

/** The CLI against a running server over HTTP: exit codes, output, and credentials from env only. */
@EndToEndTest
class CliTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.builder().build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @TempDir
    static Path dir;

    @Test
    void tokenLifecycleThroughTheCli() {
        Map<String, String> admin = cli.as(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        Map<String, String> createUser = new HashMap<>(admin);
        createUser.put("PATGATE_NEW_PASSWORD", "frank-password-123");
        Result user = cli.run(createUser, "user", "create", "--username", "frank", "--group", "ops");
        assertThat(user.exitCode()).as(user.err()).isZero();
        assertThat(user.out()).contains("frank").contains("ops");

        Map<String, String> frank = cli.as("frank", "frank-password-123");
        Result created = cli.run(
                frank,
                "token",
                "create",
                "--name",
                "nightly export",
                "--scope",
                "read-write",
                "--expires-in-days",
                "7",
                "--allowed-ip",
                "192.0.2.0/24");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).as("stdout is the secret alone").matches("pat_[0-9A-Za-z]{34}");
        assertThat(created.err()).contains("nightly export").contains("will not be shown again");
        assertThat(server.server().verifier().verify(secret)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        Result list = cli.run(frank, "token", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out())
                .contains("nightly export")
                .contains("read-write")
                .contains("1 token(s)")
                .doesNotContain(secret);
        String id = list.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        Result rotated = cli.run(frank, "token", "rotate", id);
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        String newSecret = rotated.out().strip();
        assertThat(newSecret).isNotEqualTo(secret).startsWith("pat_");

        Result preset = cli.run(
                frank, "token", "create", "--name", "jira reader", "--preset", "jira-read-issues-and-search", "--json");
        assertThat(preset.exitCode()).as(preset.err()).isZero();
        assertThat(preset.out()).contains("jira-read-issues-and-search");
        Result badPreset = cli.run(frank, "token", "create", "--name", "x", "--preset", "nope");
        assertThat(badPreset.exitCode()).isEqualTo(1);
        assertThat(badPreset.err()).contains("unknown preset");

        Result activity = cli.run(frank, "token", "activity", id);
        assertThat(activity.exitCode()).as(activity.err()).isZero();
        assertThat(activity.out()).startsWith("last used ");

        Result revoked = cli.run(frank, "token", "revoke", id);
        assertThat(revoked.exitCode()).isZero();
        assertThat(server.server().verifier().verify(newSecret))
                .isEqualTo(new TokenVerifier.Verification.Refused(TokenVerifier.Reason.REVOKED));

        Result json = cli.run(frank, "token", "list", "--status", "revoked", "--json");
        assertThat(json.out()).contains("\"status\" : \"revoked\"");
    }

    @Test
    void serverErrorsBecomeOneLineAndExitOne() {
        Result wrong = cli.run(cli.as("nobody", "wrong-password-000"), "token", "list");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err().strip()).startsWith("error: ").contains("401").doesNotContain("\n");

        Result missing = cli.run(cli.as(TestServer.ADMIN, TestServer.ADMIN_PASSWORD), "token", "revoke", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("404");
    }

    @Test
    void unreachableServerIsAClearFailure() {
        Map<String, String> env = cli.as("x", "y");
        env.put("PATGATE_URL", "http://127.0.0.1:1");
        Result result = cli.run(env, "token", "list");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("cannot reach PATgate at http://127.0.0.1:1");
    }

    @Test
    void missingCredentialsAreExplainedNotPrompted() {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_URL", server.baseUri().toString());
        Result noUser = cli.run(env, "token", "list");
        assertThat(noUser.exitCode()).isEqualTo(1);
        assertThat(noUser.err()).contains("PATGATE_USER");

        env.put("PATGATE_USER", "admin");
        Result noPassword = cli.run(env, "token", "list");
        assertThat(noPassword.exitCode()).isEqualTo(1);
        assertThat(noPassword.err()).contains("PATGATE_PASSWORD");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(cli.run(Map.of(), "token", "create").exitCode())
                .as("missing --name")
                .isEqualTo(2);
        assertThat(cli.run(Map.of(), "frobnicate").exitCode()).isEqualTo(2);
        assertThat(cli.run(Map.of()).exitCode()).isEqualTo(2);
        assertThat(cli.run(Map.of(), "token", "create", "--name", "x", "--expires-in-days", "soon")
                        .exitCode())
                .isEqualTo(2);
    }

    @Test
    void versionAndHelpExitZero() {
        Result version = cli.run(Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("PATgate ");
        Result help = cli.run(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("serve")
                .contains("token")
                .contains("user")
                .contains("config");
    }

    @Test
    void configCheckNamesTheBadKeyAndExitsOne() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "listen:\n  port: 70000\n");
        Result result = cli.run(Map.of(), "config", "check", "--config", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("listen.port");

        Path good = dir.resolve("good.yml");
        Files.writeString(good, "listen:\n  port: 8181\n");
        assertThat(cli.run(Map.of(), "config", "check", "--config", good.toString())
                        .exitCode())
                .isZero();
        assertThat(cli.run(
                                Map.of(),
                                "config",
                                "check",
                                "--config",
                                dir.resolve("missing.yml").toString())
                        .exitCode())
                .isEqualTo(1);
    }

    @Test
    void configPrintMasksSecrets() throws Exception {
        Path file = dir.resolve("secret.yml");
        Files.writeString(file, "database:\n  password: hunter2-database-password\n");
        Result result = cli.run(
                Map.of("PATGATE_BOOTSTRAP_ADMINPASSWORD", "bootstrap-secret-value"),
                "config",
                "print",
                "--config",
                file.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("listen")
                .doesNotContain("hunter2-database-password")
                .doesNotContain("bootstrap-secret-value");
    }
}
