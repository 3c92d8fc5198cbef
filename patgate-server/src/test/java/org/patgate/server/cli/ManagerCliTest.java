package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/** CLI parity for the admin scripts: token filters and bulk revoke, user update/delete/passwd, audit. */
class ManagerCliTest {

    private static final String PASSWORD = "cli-manager-password";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("quinn", PASSWORD, "staff")
            .build();

    @TempDir
    static Path dir;

    record Result(int exitCode, String out, String err) {}

    static Result run(String user, String password, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("PATGATE_URL", server.baseUri().toString());
        env.put("PATGATE_USER", user);
        env.put("PATGATE_PASSWORD", password);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static Result admin(String... args) {
        return run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, Map.of(), args);
    }

    @Test
    void tokensAreListedWithFiltersAndRevokedInBulkOnlyWithYes() {
        server.createUser("rex", PASSWORD);
        assertThat(admin("token", "create", "--name", "rex-a", "--owner", "rex").exitCode()).isZero();
        assertThat(admin("token", "create", "--name", "rex-b", "--owner", "rex", "--scope", "read-write").exitCode())
                .isZero();

        Result list = admin("token", "list", "--owner", "rex", "--scope", "read-write", "--sort", "name");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("rex-b").doesNotContain("rex-a").contains("1 token(s)");
        assertThat(admin("token", "list", "--sort", "colour").exitCode()).isEqualTo(1);

        Result unconfirmed = admin("token", "revoke", "--owner", "rex");
        assertThat(unconfirmed.exitCode()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("2 token(s) match").contains("--yes");
        assertThat(admin("token", "list", "--owner", "rex", "--status", "active").out()).contains("2 token(s)");

        Result revoked = admin("token", "revoke", "--owner", "rex", "--yes");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked 2 token(s)");
        assertThat(admin("token", "list", "--owner", "rex", "--status", "active").out()).contains("0 token(s)");

        assertThat(admin("token", "revoke").exitCode()).as("neither id nor filter").isEqualTo(2);
        assertThat(admin("token", "revoke", "abc", "--owner", "rex").exitCode()).as("both").isEqualTo(2);
        Result stale = admin("token", "revoke", "--stale-before", "2000-01-01T00:00:00Z", "--yes");
        assertThat(stale.out()).contains("revoked 0 token(s)");
    }

    @Test
    void usersAreUpdatedDeletedAndChangeTheirPasswords() {
        server.createUser("sam", PASSWORD, "staff");

        Result update = admin("user", "update", "sam", "--display-name", "Sam S.", "--group", "ops", "--disable");
        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out()).contains("Sam S.").contains("disabled").contains("ops").doesNotContain("staff");
        assertThat(admin("user", "update", "sam").exitCode()).as("nothing to change").isEqualTo(2);
        assertThat(admin("user", "update", "sam", "--enable").out()).contains("enabled");

        Result own = run("sam", PASSWORD, Map.of("PATGATE_NEW_PASSWORD", "sam-new-password-1"), "user", "passwd");
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(run("sam", "sam-new-password-1", Map.of(), "token", "list").exitCode()).isZero();
        Result set = run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD,
                Map.of("PATGATE_NEW_PASSWORD", "sam-third-password"), "user", "passwd", "sam");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(run("sam", "sam-third-password", Map.of(), "token", "list").exitCode()).isZero();

        assertThat(admin("user", "delete", "sam").exitCode()).as("needs --yes").isEqualTo(1);
        assertThat(admin("user", "delete", "sam", "--yes").out()).contains("deleted user sam");
        assertThat(admin("user", "delete", "sam", "--yes").err()).contains("404");
    }

    @Test
    void theAuditTrailIsListedAndExported() throws Exception {
        assertThat(admin("user", "update", "quinn", "--email", "quinn@example.org").exitCode()).isZero();

        Result list = admin("audit", "list", "--action", "user.update", "--target", "quinn");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("user.update").contains("quinn").contains("1 event(s)");

        Path file = dir.resolve("audit.csv");
        Result export = admin("audit", "export", "--actor", "admin", "--action", "user.update", "-o", file.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(file)).startsWith("id,occurredAt,actor").contains(",admin,user.update,quinn,");
        assertThat(run("quinn", PASSWORD, Map.of(), "audit", "export").err()).contains("403");
        assertThat(admin("audit", "list", "--from", "yesterday").exitCode()).isEqualTo(1);
    }
}
