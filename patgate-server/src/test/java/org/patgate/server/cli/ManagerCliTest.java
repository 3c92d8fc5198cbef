package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/** CLI parity for the admin scripts: token filters and bulk revoke, user update/delete/passwd, audit. */
@EndToEndTest
class ManagerCliTest {

    private static final String PASSWORD = "cli-manager-password";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("quinn", PASSWORD, "staff").build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @TempDir
    static Path dir;

    @Test
    void tokensAreListedWithFiltersAndRevokedInBulkOnlyWithYes() {
        server.createUser("rex", PASSWORD);
        assertThat(cli.admin("token", "create", "--name", "rex-a", "--owner", "rex")
                        .exitCode())
                .isZero();
        assertThat(cli.admin("token", "create", "--name", "rex-b", "--owner", "rex", "--scope", "read-write")
                        .exitCode())
                .isZero();

        Result list = cli.admin("token", "list", "--owner", "rex", "--scope", "read-write", "--sort", "name");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("rex-b").doesNotContain("rex-a").contains("1 token(s)");
        assertThat(cli.admin("token", "list", "--sort", "colour").exitCode()).isEqualTo(1);

        Result unconfirmed = cli.admin("token", "revoke", "--owner", "rex");
        assertThat(unconfirmed.exitCode()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("2 token(s) match").contains("--yes");
        assertThat(cli.admin("token", "list", "--owner", "rex", "--status", "active")
                        .out())
                .contains("2 token(s)");

        Result revoked = cli.admin("token", "revoke", "--owner", "rex", "--yes");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked 2 token(s)");
        assertThat(cli.admin("token", "list", "--owner", "rex", "--status", "active")
                        .out())
                .contains("0 token(s)");

        assertThat(cli.admin("token", "revoke").exitCode())
                .as("neither id nor filter")
                .isEqualTo(2);
        assertThat(cli.admin("token", "revoke", "abc", "--owner", "rex").exitCode())
                .as("both")
                .isEqualTo(2);
        Result stale = cli.admin("token", "revoke", "--stale-before", "2000-01-01T00:00:00Z", "--yes");
        assertThat(stale.out()).contains("revoked 0 token(s)");
    }

    @Test
    void usersAreUpdatedDeletedAndChangeTheirPasswords() {
        server.createUser("sam", PASSWORD, "staff");

        Result update = cli.admin("user", "update", "sam", "--display-name", "Sam S.", "--group", "ops", "--disable");
        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out())
                .contains("Sam S.")
                .contains("disabled")
                .contains("ops")
                .doesNotContain("staff");
        assertThat(cli.admin("user", "update", "sam").exitCode())
                .as("nothing to change")
                .isEqualTo(2);
        assertThat(cli.admin("user", "update", "sam", "--enable").out()).contains("enabled");

        Result own = cli.run("sam", PASSWORD, Map.of("PATGATE_NEW_PASSWORD", "sam-new-password-1"), "user", "passwd");
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(cli.run("sam", "sam-new-password-1", Map.of(), "token", "list")
                        .exitCode())
                .isZero();
        Result set = cli.run(
                TestServer.ADMIN,
                TestServer.ADMIN_PASSWORD,
                Map.of("PATGATE_NEW_PASSWORD", "sam-third-password"),
                "user",
                "passwd",
                "sam");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(cli.run("sam", "sam-third-password", Map.of(), "token", "list")
                        .exitCode())
                .isZero();

        assertThat(cli.admin("user", "delete", "sam").exitCode())
                .as("needs --yes")
                .isEqualTo(1);
        assertThat(cli.admin("user", "delete", "sam", "--yes").out()).contains("deleted user sam");
        assertThat(cli.admin("user", "delete", "sam", "--yes").err()).contains("404");
    }

    @Test
    void theAuditTrailIsListedAndExported() throws Exception {
        assertThat(cli.admin("user", "update", "quinn", "--email", "quinn@example.org")
                        .exitCode())
                .isZero();

        Result list = cli.admin("audit", "list", "--action", "user.update", "--target", "quinn");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("user.update").contains("quinn").contains("1 event(s)");

        Path file = dir.resolve("audit.csv");
        Result export =
                cli.admin("audit", "export", "--actor", "admin", "--action", "user.update", "-o", file.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(file)).startsWith("id,occurredAt,actor").contains(",admin,user.update,quinn,");
        assertThat(cli.run("quinn", PASSWORD, Map.of(), "audit", "export").err())
                .contains("403");
        assertThat(cli.admin("audit", "list", "--from", "yesterday").exitCode()).isEqualTo(1);
    }
}
