package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.app.PatgateServer;
import org.patgate.server.config.PatgateConfig;
import org.patgate.server.http.Json;
import org.patgate.server.testing.TestServer;

/**
 * Keeps the cluster-view and fault sections of docs/cluster.md honest: the configuration the page
 * shows starts a node that registers under the documented id, and every test the page names as
 * proof of a promise exists.
 */
class ClusterDocTest {

    static final Path DOC = Path.of("../docs/cluster.md");
    private static final Path TESTS = Path.of("src/test/java");

    @TempDir
    Path dir;

    /** The text between {@code <!-- section: name -->} and the next section marker. */
    static String section(String name) throws IOException {
        String page = Files.readString(DOC);
        int start = page.indexOf("<!-- section: " + name + " -->");
        assertThat(start).as("section %s in docs/cluster.md", name).isNotNegative();
        int end = page.indexOf("<!-- section:", start + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    @Test
    void theDocumentedClusterConfigurationStartsANodeUnderItsId() throws Exception {
        Matcher yaml = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$").matcher(section("cluster view and health"));
        assertThat(yaml.find()).as("a yaml block in the cluster view section").isTrue();
        Path file = dir.resolve("patgate.yml");
        Files.writeString(file, yaml.group(1));
        PatgateConfig config = PatgateConfig.load(
                file,
                Map.of(
                        "PATGATE_LISTEN_HOST",
                        "127.0.0.1",
                        "PATGATE_LISTEN_PORT",
                        "0",
                        "PATGATE_DATABASE_URL",
                        "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                        "PATGATE_TOKENS_PEPPERFILE",
                        dir.resolve("pepper").toString(),
                        "PATGATE_BOOTSTRAP_ADMINPASSWORD",
                        TestServer.ADMIN_PASSWORD));
        assertThat(config.cluster().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.cluster().databaseGrace()).isEqualTo(Duration.ofSeconds(30));

        try (PatgateServer node = PatgateServer.start(config, message -> {})) {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(node.baseUri() + "/.patgate/api/v1/cluster"))
                                    .header(
                                            "Authorization",
                                            TestServer.basic(TestServer.ADMIN, TestServer.ADMIN_PASSWORD))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode view = Json.MAPPER.readTree(answer.body());
            assertThat(view.get("answeredBy").asText()).isEqualTo("patgate-a");
            assertThat(view.get("nodes").get(0).get("id").asText()).isEqualTo("patgate-a");
            assertThat(view.get("nodes").get(0).get("status").asText()).isEqualTo("up");
        }
    }

    @Test
    void everyTestThePageNamesAsProofExists() throws IOException {
        String faults = section("faults and their promises");
        Matcher named = Pattern.compile("`(\\w+(?:Test|IT))`").matcher(faults);
        List<String> tests = new ArrayList<>();
        while (named.find()) {
            tests.add(named.group(1));
        }
        assertThat(tests)
                .contains(
                        "DatabaseDownTest",
                        "PostgresRestartTest",
                        "PostgresServerRestartTest",
                        "MigrationCompatibilityTest",
                        "RollingUpgradeIT");
        try (Stream<Path> files = Files.walk(TESTS)) {
            List<String> existing = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith("Test.java") || name.endsWith("IT.java"))
                    .map(name -> name.substring(0, name.length() - ".java".length()))
                    .toList();
            assertThat(existing).containsAll(tests);
        }
    }
}
