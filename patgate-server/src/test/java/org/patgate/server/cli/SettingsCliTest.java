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

/** {@code patgate settings get|set|reset} against a running server. */
@EndToEndTest
class SettingsCliTest {

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("carol", "carol-password-12").build();

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(server);

    @TempDir
    static Path dir;

    @Test
    void settingsAreShownSetFromOptionsOrAFileAndReset() throws Exception {
        Result set = cli.admin(
                "settings",
                "set",
                "--password-auth",
                "allow",
                "--rest-path",
                "/rest/**",
                "--rest-path",
                "/api/**",
                "--allowed-ip",
                "10.0.0.0/8");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out())
                .containsPattern("rest\\.passwordAuth +stored +\"allow\"")
                .containsPattern("rest\\.paths +stored +\\[\"/rest/\\*\\*\",\"/api/\\*\\*\"\\]")
                .containsPattern("rest\\.readOnlyPosts +configuration")
                .contains("stored by admin at ");

        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"rest\": {\"readOnlyPosts\": []}}");
        Result fromFile = cli.admin("settings", "set", "--file", file.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out())
                .containsPattern("rest\\.readOnlyPosts +stored +\\[\\]")
                .containsPattern("rest\\.passwordAuth +configuration +\"block\"");

        Result json = cli.admin("settings", "get", "--json");
        assertThat(json.out()).contains("\"readOnlyPosts\" : {").contains("\"source\" : \"stored\"");

        Result reset = cli.admin("settings", "reset");
        assertThat(reset.exitCode()).isZero();
        assertThat(reset.out()).doesNotContain("stored");
    }

    @Test
    void invalidValuesAndNonAdministratorsFailWithTheReason() {
        Result bad = cli.admin("settings", "set", "--password-auth", "maybe", "--allowed-ip", "example.com");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err())
                .contains("rest.passwordAuth: must be block or allow")
                .contains("rest.allowedIps[0]")
                .contains("HTTP 400");

        Result carol = cli.run("carol", "carol-password-12", "settings", "get");
        assertThat(carol.exitCode()).isEqualTo(1);
        assertThat(carol.err()).contains("only administrators").contains("HTTP 403");

        assertThat(cli.admin("settings", "set", "--file", "x.json", "--password-auth", "allow")
                        .exitCode())
                .isEqualTo(2);
        assertThat(cli.admin("settings").exitCode()).isEqualTo(2);
    }
}
