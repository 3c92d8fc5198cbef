package org.patgate.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.http.Json;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FakeAccounts.NativeToken;
import org.patgate.server.testing.FakeAtlassian;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.UpstreamTokenNode;

/**
 * A real Jira client from npm ({@code jira-client}, with its own HTTP stack) through PATgate in
 * identity mode {@code upstream-token}: with a read-only PATgate token as its Bearer token it reads
 * an issue as the link's owner, and its attempt to create one is refused before Jira.
 */
@EndToEndTest
class NpmJiraClientTest {

    private static final Path CLIENTS = Path.of("src/test/node");
    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    Path dir;

    @Test
    void theNpmJiraClientReadsAsTheOwnerAndCannotWriteWithAReadOnlyToken() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(CLIENTS.resolve("node_modules/jira-client")),
                "the npm test clients are not installed (npm ci in src/test/node)");
        try (UpstreamTokenNode running = UpstreamTokenNode.start(UpstreamProduct.JIRA, dir)) {
            FakeAtlassian jira = running.product();
            TestServer node = running.node();
            node.createUser("alice", PASSWORD);
            jira.addUser("alice", PASSWORD, "Alice");
            NativeToken nativeToken = jira.seedToken("alice", "made in Jira", Duration.ofDays(30));
            assertThat(node.call(
                                    "PUT",
                                    "/.patgate/api/v1/me/upstream-link",
                                    "alice",
                                    PASSWORD,
                                    Map.of("token", nativeToken.secret()))
                            .status())
                    .isEqualTo(200);
            String token = node.call(
                            "POST",
                            "/.patgate/api/v1/tokens",
                            "alice",
                            PASSWORD,
                            Map.of("name", "node", "scope", "read-only"))
                    .json()
                    .get("token")
                    .asText();

            JsonNode result = run(node.baseUri().toString(), token, "PG-1");

            assertThat(result.path("issue").path("readBy").asText())
                    .as(result.toString())
                    .isEqualTo("alice");
            // jira-client rejects with the answer's body: PATgate's problem.
            assertThat(result.path("writeError").path("message").asText())
                    .as(result.toString())
                    .contains("/.patgate/problems/forbidden")
                    .contains("\"status\":403");
            assertThat(result.has("created")).isFalse();
            List<FakeAtlassian.Received> seen = jira.receivedAt("/rest/api/2/issue/PG-1");
            assertThat(seen).hasSize(1);
            assertThat(seen.getFirst().header("Authorization")).hasValue("Bearer " + nativeToken.secret());
            assertThat(jira.receivedAt("/rest/api/2/issue"))
                    .as("the write never reached Jira")
                    .isEmpty();
        }
    }

    private JsonNode run(String url, String token, String issue) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node", "jira-read.js", issue)
                .directory(CLIENTS.toFile())
                .redirectError(dir.resolve("node-stderr.txt").toFile());
        builder.environment().put("PATGATE_URL", url);
        builder.environment().put("PATGATE_TOKEN", token);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            Assumptions.abort("node is not installed");
            throw e;
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the npm Jira client did not finish in 60 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue())
                .as(out + Files.readString(dir.resolve("node-stderr.txt")))
                .isZero();
        return Json.MAPPER.readTree(out.lines().reduce((first, last) -> last).orElse("{}"));
    }
}
