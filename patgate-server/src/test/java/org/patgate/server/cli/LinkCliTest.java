package org.patgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.UpstreamTokenNode;

/**
 * {@code patgate link ...} against a real node in identity mode {@code upstream-token} in front of a
 * fake Jira: pasting (from a file or stdin, never the command line), minting with the caller's own
 * password, status and removal, the admin variants, and one-line errors that never repeat a secret.
 */
@EndToEndTest
class LinkCliTest {

    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final UpstreamTokenNode upstreamToken = UpstreamTokenNode.forClass(UpstreamProduct.JIRA);

    private static FakeAtlassian jira;
    private static TestServer node;

    @RegisterExtension
    static final CliRunner cli = CliRunner.against(() -> node.baseUri());

    @BeforeAll
    static void start() throws Exception {
        jira = upstreamToken.product();
        node = upstreamToken.node();
    }

    @Test
    void aTokenPastedFromAFileLinksShowsInStatusAndIsRemoved() throws Exception {
        user("alice");
        NativeToken pasted = jira.seedToken("alice", "made in Jira", Duration.ofDays(30));

        Result before = cli.run("alice", PASSWORD, "link", "status");
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.out()).contains("status:        unlinked").contains("upstream user: -");

        Path file = dir.resolve("alice.token");
        Files.writeString(file, pasted.secret() + "\n");
        Result linked = cli.run("alice", PASSWORD, "link", "paste", "--token-file", file.toString());
        assertThat(linked.exitCode()).as(linked.err()).isZero();
        assertThat(linked.out()).contains("status:        linked").contains("upstream user: alice");
        assertNoSecret(linked, pasted.secret());

        Result status = cli.run("alice", PASSWORD, "link", "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("status:        linked")
                .contains("reason:        -")
                .contains("upstream user: alice")
                .contains("kind:          pasted")
                .as("Jira does not tell who-am-I callers when a pasted token expires")
                .contains("expires:       never or unknown");
        assertNoSecret(status, pasted.secret());

        Result json = cli.run("alice", PASSWORD, "link", "status", "--json");
        assertThat(json.out()).contains("\"upstreamUsername\" : \"alice\"");
        assertNoSecret(json, pasted.secret());

        Result removed = cli.run("alice", PASSWORD, "link", "remove");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed the link to alice");
        assertThat(cli.run("alice", PASSWORD, "link", "status").out())
                .contains("status:        revoked")
                .contains("reason:        unlinked by the user");
    }

    @Test
    void aTokenPipedOnStdinLinks() {
        user("bob");
        NativeToken pasted = jira.seedToken("bob", "made in Jira", Duration.ofDays(30));
        InputStream stdin = System.in;
        Result linked;
        try {
            System.setIn(new ByteArrayInputStream((pasted.secret() + "\n").getBytes(StandardCharsets.UTF_8)));
            linked = cli.run("bob", PASSWORD, "link", "paste");
        } finally {
            System.setIn(stdin);
        }
        assertThat(linked.exitCode()).as(linked.err()).isZero();
        assertThat(linked.out()).contains("status:        linked").contains("upstream user: bob");
        assertNoSecret(linked, pasted.secret());
    }

    @Test
    void pasteRefusesSomeoneElsesUnknownOrMissingTokensInOneLineWithoutRepeatingThem() throws Exception {
        user("carol");
        user("mallory");
        NativeToken carols = jira.seedToken("carol", "made in Jira", Duration.ofDays(30));
        Path file = dir.resolve("carols.token");
        Files.writeString(file, carols.secret());

        Result foreign = cli.run("mallory", PASSWORD, "link", "paste", "--token-file", file.toString());
        assertOneLineError(foreign, "belongs to carol");
        Result onTheCommandLine = cli.run("carol", PASSWORD, "link", "paste", carols.secret());
        assertOneLineError(onTheCommandLine, "not taken as an argument");
        assertNoSecret(onTheCommandLine, carols.secret());
        assertNoSecret(foreign, carols.secret());

        Path unknown = dir.resolve("unknown.token");
        Files.writeString(unknown, "NjQ1MzI3Nzk4OTAxOnVua25vd24tdG9rZW4tZm9yLWppcmE");
        Result refused = cli.run("mallory", PASSWORD, "link", "paste", "--token-file", unknown.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertNoSecret(refused, "NjQ1MzI3Nzk4OTAxOnVua25vd24tdG9rZW4tZm9yLWppcmE");

        Path empty = dir.resolve("empty.token");
        Files.writeString(empty, "  \n");
        assertOneLineError(
                cli.run("mallory", PASSWORD, "link", "paste", "--token-file", empty.toString()), "no native token");
        assertOneLineError(
                cli.run(
                        "mallory",
                        PASSWORD,
                        "link",
                        "paste",
                        "--token-file",
                        dir.resolve("nope").toString()),
                "no such file");
        assertThat(cli.run("mallory", PASSWORD, "link", "status").out()).contains("status:        unlinked");
    }

    @Test
    void mintUsesTheCallersOwnPasswordAndRemoveRevokesTheMintedToken() {
        user("dave");

        Result minted = cli.run("dave", PASSWORD, "link", "mint");
        assertThat(minted.exitCode()).as(minted.err()).isZero();
        assertThat(minted.out()).contains("status:        linked").contains("kind:          minted");
        assertThat(jira.tokensOf("dave")).hasSize(1);
        NativeToken made = jira.tokensOf("dave").getFirst();
        assertThat(made.name()).isEqualTo("PATgate");
        assertNoSecret(minted, made.secret());
        assertNoSecret(minted, PASSWORD);

        Result removed = cli.run("dave", PASSWORD, "link", "remove");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed the link to dave").contains("revoked upstream: yes");
        assertThat(jira.tokensOf("dave")).isEmpty();
    }

    @Test
    void mintWithAPasswordJiraDoesNotAcceptFailsInOneLine() {
        node.createUser("erin", PASSWORD);
        jira.addUser("erin", "a-different-jira-password", "Erin");

        Result minted = cli.run("erin", PASSWORD, "link", "mint");
        assertThat(minted.exitCode()).isNotZero();
        assertThat(minted.err().strip().lines()).hasSize(1);
        assertThat(minted.err()).startsWith("error: ");
        assertNoSecret(minted, PASSWORD);
        assertThat(jira.tokensOf("erin")).isEmpty();
    }

    @Test
    void adminsSeeAndRemoveOthersLinksAndOthersMayNot() throws Exception {
        user("frank");
        user("grace");
        NativeToken pasted = jira.seedToken("frank", "made in Jira", Duration.ofDays(30));
        Path file = dir.resolve("frank.token");
        Files.writeString(file, pasted.secret());
        assertThat(cli.run("frank", PASSWORD, "link", "paste", "--token-file", file.toString())
                        .exitCode())
                .isZero();

        Result seen = cli.run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "link", "status", "--for-user", "frank");
        assertThat(seen.exitCode()).as(seen.err()).isZero();
        assertThat(seen.out()).contains("status:        linked").contains("upstream user: frank");
        assertNoSecret(seen, pasted.secret());

        assertOneLineError(cli.run("grace", PASSWORD, "link", "status", "--for-user", "frank"), "only administrators");
        assertOneLineError(cli.run("grace", PASSWORD, "link", "remove", "--for-user", "frank"), "only administrators");
        assertThat(cli.run("frank", PASSWORD, "link", "status").out()).contains("status:        linked");

        assertOneLineError(
                cli.run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "link", "status", "--for-user", "nobody-here"),
                "nobody-here");

        Result removed = cli.run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "link", "remove", "--for-user", "frank");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed the link of frank to frank");
        assertThat(cli.run("frank", PASSWORD, "link", "status").out())
                .contains("status:        revoked")
                .contains("reason:        unlinked by admin");
    }

    @Test
    void aWrongPatgatePasswordOrNoSubcommandFailsWithoutTouchingTheLink() {
        user("heidi");
        assertOneLineError(cli.run("heidi", "not-the-password", "link", "status"), "401");
        Result bare = cli.run("heidi", PASSWORD, "link");
        assertThat(bare.exitCode()).isNotZero();
        assertThat(bare.err()).contains("missing subcommand");
    }

    private static void user(String name) {
        node.createUser(name, PASSWORD);
        jira.addUser(name, PASSWORD, name.substring(0, 1).toUpperCase() + name.substring(1));
    }

    private static void assertOneLineError(Result result, String contains) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isNotZero();
        assertThat(result.err().strip().lines()).as(result.err()).hasSize(1);
        assertThat(result.err()).startsWith("error: ").contains(contains);
    }

    private static void assertNoSecret(Result result, String secret) {
        assertThat(result.out()).doesNotContain(secret);
        assertThat(result.err()).doesNotContain(secret);
    }
}
