package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.IdentityConfig;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.docs.HttpExamples.Example;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.TestServer;

/**
 * Keeps docs/atlassian.md honest. The page's YAML block is the configuration of a node started in
 * front of a fake Jira (only where it listens and keeps its data, and Jira's URL, are replaced), with
 * the users and Jira tokens the page names. Every {@code http} example is sent in page order and must
 * get the documented status, problem type and fields; Alice's Jira token is revoked "in Jira" where
 * the page says so. Every request that reaches Jira must carry a native token of the right user and
 * never a PATgate token. The page's {@code keys rotate} command is then run on the node's data and the
 * links still work.
 */
@EndToEndTest
class AtlassianDocExamplesTest {

    static final Path DOC = Path.of("../docs/atlassian.md");
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");
    private static final List<String> REPLACED = List.of(
            "PATGATE_LISTEN_",
            "PATGATE_DATABASE_",
            "PATGATE_TOKENS_PEPPERFILE",
            "PATGATE_UPSTREAM_URL",
            "PATGATE_UPSTREAM_CREDENTIALKEYFILE");
    private static final String ALICES_JIRA_TOKEN = "NzE2NjM0NTc4OTAxOkFsaWNlc0ppcmFUb2tlbkZvckRvY3M=";
    private static final String CI_BOT_JIRA_TOKEN = "ODgyMTIzNDU2Nzg5OkNpQm90SmlyYVRva2VuRm9yRG9jcw==";

    @TempDir
    Path dir;

    @Test
    void everyExampleOfTheAtlassianPageDoesWhatThePageSays() throws Exception {
        String page = Files.readString(DOC);
        List<String> yaml = AdminGuideExamplesTest.yamlBlocks(page);
        assertThat(yaml).as("the page's configuration").hasSize(1);
        Map<String, String> env = new HashMap<>(AdminGuideExamplesTest.environmentOf(yaml.getFirst()));
        env.keySet().removeIf(key -> REPLACED.stream().anyMatch(key::startsWith));
        PatgateConfig documented = PatgateConfig.load(null, env);
        assertThat(documented.identity().mode()).isEqualTo(IdentityConfig.Mode.UPSTREAM_TOKEN);
        assertThat(documented.upstream().product()).isEqualTo(UpstreamProduct.JIRA);

        List<Example> examples = HttpExamples.read(page);
        assertThat(examples).as("examples in docs/atlassian.md").hasSizeGreaterThan(12);
        int revokeBefore = indexOfFirstBrokenLinkAnswer(examples);

        try (FakeAtlassian jira = FakeAtlassian.start(UpstreamProduct.JIRA, Clock.systemUTC(), "")) {
            jira.addUser("alice", "alice-password-123", "Alice");
            jira.addUser("bob", "bob-password-1234", "Bob");
            jira.addUser("ci-bot", "a-password-nobody-uses", "CI Bot");
            NativeToken alices = jira.accounts().seedToken("alice", "PATgate", Duration.ofDays(90), ALICES_JIRA_TOKEN);
            jira.accounts().seedToken("ci-bot", "ci", Duration.ofDays(365), CI_BOT_JIRA_TOKEN);

            env.put("PATGATE_UPSTREAM_URL", jira.url());
            env.put(
                    "PATGATE_UPSTREAM_CREDENTIALKEYFILE",
                    dir.resolve("upstream.key").toString());
            env.put("PATGATE_BOOTSTRAP_ADMINPASSWORD", "change-me-admin-password");
            String jdbc = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
            List<String> failures = new ArrayList<>();
            try (TestServer server = TestServer.start(dir, jdbc, "", "", env)) {
                HttpExamples.Replay replay = new HttpExamples.Replay(server);
                failures.addAll(replay.run(examples.subList(0, revokeBefore)));
                assertThat(jira.revokeInUi(alices.id())).isTrue(); // "Say Alice revokes her token in Jira"
                failures.addAll(replay.run(examples.subList(revokeBefore, examples.size())));
            }
            assertThat(failures)
                    .as("examples in docs/atlassian.md that do not do what the page says")
                    .isEmpty();

            List<String> reachedJira = jira.received().stream()
                    .filter(r -> r.path().startsWith("/rest/api/2/issue"))
                    .map(r -> r.header("Authorization").orElse("none"))
                    .toList();
            assertThat(reachedJira)
                    .as("what Jira got with each request the page forwards")
                    .isNotEmpty()
                    .allMatch(authorization -> authorization.startsWith("Bearer ")
                            && !authorization.contains("pat_")
                            && !authorization.toLowerCase(Locale.ROOT).contains("basic"));
            assertThat(reachedJira).contains("Bearer " + ALICES_JIRA_TOKEN);

            runTheRotateCommand(page, env, jdbc);
            try (TestServer again = TestServer.start(dir, jdbc, "", "", env)) {
                JsonNode service = again.call(
                                "GET",
                                "/.patgate/api/v1/users/ci/upstream-link",
                                "admin",
                                "change-me-admin-password",
                                null)
                        .json();
                assertThat(service.get("status").asText()).isEqualTo("linked");
                String ci = again.call(
                                "POST",
                                "/.patgate/api/v1/tokens",
                                "ci",
                                "ci-password-123456",
                                Map.of("name", "after-rotation", "scope", "read-only"))
                        .json()
                        .get("token")
                        .asText();
                int status = again.raw("GET", "/rest/api/2/issue/PG-9", Map.of("Authorization", "Bearer " + ci), null)
                        .status();
                assertThat(status)
                        .as("the service credential decrypts after the rotation")
                        .isEqualTo(200);
                assertThat(jira.last().header("Authorization")).hasValue("Bearer " + CI_BOT_JIRA_TOKEN);
            }
        }
    }

    @Test
    void theReadmesAtlassianConfigurationIsValidAndSwapsInNativeTokens() throws Exception {
        String readme = Files.readString(ReadmeTourIT.README);
        List<String> yaml = AdminGuideExamplesTest.yamlBlocks(readme);
        assertThat(yaml).as("the README's configuration blocks").hasSize(1);
        PatgateConfig config = PatgateConfig.load(null, AdminGuideExamplesTest.environmentOf(yaml.getFirst()));
        assertThat(config.identity().mode()).isEqualTo(IdentityConfig.Mode.UPSTREAM_TOKEN);
        assertThat(config.upstream().product()).isEqualTo(UpstreamProduct.JIRA);
    }

    /** The page's {@code patgate keys rotate} command, on the node's data (the node is stopped). */
    private void runTheRotateCommand(String page, Map<String, String> env, String jdbc) throws Exception {
        String command = blocks(SH_BLOCK, page).stream()
                .flatMap(String::lines)
                .filter(line -> line.contains("keys rotate"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the page shows no keys rotate command"));
        List<String> words = List.of(command.strip().split("\\s+"));
        assertThat(words.subList(0, 3)).containsExactly("bin/patgate", "keys", "rotate");
        Path config = dir.resolve("patgate.yml");
        Files.writeString(config, AdminGuideExamplesTest.yamlBlocks(page).getFirst());
        Map<String, String> cliEnv = new HashMap<>(env);
        cliEnv.put("PATGATE_DATABASE_URL", jdbc);
        cliEnv.put("PATGATE_DATABASE_USERNAME", "");
        cliEnv.put("PATGATE_DATABASE_PASSWORD", "");
        cliEnv.put("PATGATE_TOKENS_PEPPERFILE", dir.resolve("pepper").toString());
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        args.set(args.indexOf("--config") + 1, config.toString());
        CliRunner.Result result =
                CliRunner.against(() -> URI.create("http://127.0.0.1:1")).run(cliEnv, args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("re-encrypted");
    }

    private static int indexOfFirstBrokenLinkAnswer(List<Example> examples) {
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            if (!example.target().startsWith("/.patgate/")
                    && example.documentedBody() != null
                    && example.documentedBody().contains("upstream-link-broken")) {
                return i;
            }
        }
        throw new AssertionError("the page shows no broken link");
    }

    private static List<String> blocks(Pattern pattern, String page) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = pattern.matcher(page);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }
}
