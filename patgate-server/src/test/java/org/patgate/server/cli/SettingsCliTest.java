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

/** {@code patgate settings get|set|reset} against a running server. */
class SettingsCliTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("carol", "carol-password-12")
            .build();

    @TempDir
    static Path dir;

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
    void settingsAreShownSetFromOptionsOrAFileAndReset() throws Exception {
        Result set = admin("settings", "set", "--password-auth", "allow", "--rest-path", "/rest/**",
                "--rest-path", "/api/**", "--allowed-ip", "10.0.0.0/8");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).containsPattern("rest\\.passwordAuth +stored +\"allow\"")
                .containsPattern("rest\\.paths +stored +\\[\"/rest/\\*\\*\",\"/api/\\*\\*\"\\]")
                .containsPattern("rest\\.readOnlyPosts +configuration")
                .contains("stored by admin at ");

        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"rest\": {\"readOnlyPosts\": []}}");
        Result fromFile = admin("settings", "set", "--file", file.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).containsPattern("rest\\.readOnlyPosts +stored +\\[\\]")
                .containsPattern("rest\\.passwordAuth +configuration +\"block\"");

        Result json = admin("settings", "get", "--json");
        assertThat(json.out()).contains("\"readOnlyPosts\" : {").contains("\"source\" : \"stored\"");

        Result reset = admin("settings", "reset");
        assertThat(reset.exitCode()).isZero();
        assertThat(reset.out()).doesNotContain("stored");
    }

    @Test
    void invalidValuesAndNonAdministratorsFailWithTheReason() {
        Result bad = admin("settings", "set", "--password-auth", "maybe", "--allowed-ip", "example.com");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("rest.passwordAuth: must be block or allow").contains("rest.allowedIps[0]")
                .contains("HTTP 400");

        Result carol = run("carol", "carol-password-12", "settings", "get");
        assertThat(carol.exitCode()).isEqualTo(1);
        assertThat(carol.err()).contains("only administrators").contains("HTTP 403");

        assertThat(admin("settings", "set", "--file", "x.json", "--password-auth", "allow").exitCode()).isEqualTo(2);
        assertThat(admin("settings").exitCode()).isEqualTo(2);
    }
}
