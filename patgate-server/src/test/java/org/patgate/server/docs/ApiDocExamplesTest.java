package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.docs.HttpExamples.Example;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Keeps docs/api.md honest: every {@code http} request block is sent, in the order of the page, to
 * a real server set up as the page says (admin and alice with the documented passwords), and must
 * get the status the following {@code http} response block shows, for problem answers the same
 * problem {@code type}, and every field the page shows. Token ids and secrets shown in the page's
 * create answers stand for the ones the server really issues (see {@link HttpExamples}).
 */
@EndToEndTest
class ApiDocExamplesTest {

    static final Path DOC = Path.of("../docs/api.md");

    @TempDir
    Path dir;

    @Test
    void everyRequestInTheApiDocGetsTheDocumentedStatus() throws IOException {
        List<Example> examples = HttpExamples.read(Files.readString(DOC));
        assertThat(examples).as("examples in docs/api.md").hasSizeGreaterThan(15);
        try (TestServer server = TestServer.start(
                dir,
                "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_BOOTSTRAP_ADMINPASSWORD", "change-me-admin-password"))) {
            Answer alice = server.call(
                    "POST",
                    "/.patgate/api/v1/users",
                    "admin",
                    "change-me-admin-password",
                    Map.of(
                            "username",
                            "alice",
                            "password",
                            "alice-password-123",
                            "displayName",
                            "Alice Example",
                            "email",
                            "alice@example.com",
                            "groups",
                            List.of("developers")));
            assertThat(alice.status()).as(alice.body()).isEqualTo(201);

            List<String> failures = new HttpExamples.Replay(server).run(examples);

            assertThat(failures)
                    .as("examples in docs/api.md that do not do what the page says")
                    .isEmpty();
        }
    }

    @Test
    void theParserReadsRequestsAndTheirAnswers() {
        String page = """
                ```http
                POST /x?a=1 HTTP/1.1
                Host: h
                Content-Type: application/json

                {"a": 1}
                ```

                ```http
                HTTP/1.1 201 Created

                {"id": "X"}
                ```
                """;

        assertThat(HttpExamples.read(page))
                .containsExactly(new Example(
                        "POST",
                        "/x?a=1",
                        Map.of("Content-Type", "application/json"),
                        "{\"a\": 1}",
                        201,
                        "{\"id\": \"X\"}"));
    }

    @Test
    void aRequestWithoutAnAnswerIsAnError() {
        String page = """
                ```http
                GET /x HTTP/1.1
                ```
                """;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpExamples.read(page))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("without a documented answer");
    }

    @Test
    void fieldsThePageShowsButTheAnswerLacksAreFound() {
        List<String> missing = new ArrayList<>();

        HttpExamples.missingFields(
                HttpExamples.json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"items\":[{\"e\":1,\"f\":2}]}"),
                HttpExamples.json("{\"a\":9,\"b\":{\"c\":9},\"items\":[{\"e\":9}],\"extra\":true}"),
                "",
                missing);

        assertThat(missing).containsExactly("b.d", "items[0].f");
    }
}
