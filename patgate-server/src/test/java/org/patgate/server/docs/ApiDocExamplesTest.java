package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.api.internal.Json;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Keeps docs/api.md honest: every {@code http} request block is sent, in the order of the page, to
 * a real server set up as the page says (admin and alice with the documented passwords), and must
 * get the status the following {@code http} response block shows, and for problem answers the same
 * problem {@code type}. Token ids shown in the page's create answers stand for the ids the server
 * really issues, so later examples that use them address the same tokens.
 */
class ApiDocExamplesTest {

    static final Path DOC = Path.of("../docs/api.md");
    private static final Pattern HTTP_BLOCK = Pattern.compile("(?ms)^```http\\n(.*?)^```$");
    private static final Pattern REQUEST_LINE = Pattern.compile("^([A-Z]+) (\\S+) HTTP/1\\.1$");
    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.1 (\\d{3})( .*)?$");
    /** Headers the HTTP client sets itself (and may not be given). */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "connection");

    @TempDir
    Path dir;

    record Example(String method, String target, Map<String, String> headers, String body, int status,
            String documentedBody) {
        @Override
        public String toString() {
            return method + " " + target + " -> " + status;
        }
    }

    @Test
    void everyRequestInTheApiDocGetsTheDocumentedStatus() throws IOException {
        List<Example> examples = examples(java.nio.file.Files.readString(DOC));
        assertThat(examples).as("examples in docs/api.md").hasSizeGreaterThan(15);
        Map<String, String> ids = new HashMap<>();
        List<String> failures = new ArrayList<>();
        try (TestServer server = TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "",
                Map.of("PATGATE_BOOTSTRAP_ADMINPASSWORD", "change-me-admin-password"))) {
            Answer alice = server.call("POST", "/.patgate/api/v1/users", "admin", "change-me-admin-password",
                    Map.of("username", "alice", "password", "alice-password-123", "displayName", "Alice Example",
                            "email", "alice@example.com", "groups", List.of("developers")));
            assertThat(alice.status()).as(alice.body()).isEqualTo(201);
            for (Example example : examples) {
                Answer answer = server.raw(example.method(), substitute(example.target(), ids), example.headers(),
                        example.body() == null ? null : substitute(example.body(), ids));
                if (answer.status() != example.status()) {
                    failures.add(example + " but got " + answer.status() + " " + answer.body());
                    continue;
                }
                JsonNode documented = parse(example.documentedBody());
                if (documented != null && documented.has("type")) {
                    String type = answer.json().path("type").asText();
                    if (!type.equals(documented.get("type").asText())) {
                        failures.add(example + " with problem type " + documented.get("type") + " but got " + type);
                    }
                }
                if (documented != null && documented.hasNonNull("token") && documented.has("id")) {
                    ids.put(documented.get("id").asText(), answer.json().get("id").asText());
                }
            }
        }
        assertThat(failures).as("examples in docs/api.md that do not do what the page says").isEmpty();
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

        assertThat(examples(page)).containsExactly(new Example("POST", "/x?a=1",
                Map.of("Content-Type", "application/json"), "{\"a\": 1}", 201, "{\"id\": \"X\"}"));
    }

    /** Pairs each request block with the response block that follows it. */
    static List<Example> examples(String page) {
        List<Example> examples = new ArrayList<>();
        Matcher blocks = HTTP_BLOCK.matcher(page);
        String[] pending = null;
        while (blocks.find()) {
            String block = blocks.group(1);
            String firstLine = block.lines().findFirst().orElse("");
            if (REQUEST_LINE.matcher(firstLine).matches()) {
                if (pending != null) {
                    throw new AssertionError("request without a documented answer: " + pending[0]);
                }
                pending = new String[] {block};
            } else {
                Matcher status = STATUS_LINE.matcher(firstLine);
                if (!status.matches() || pending == null) {
                    throw new AssertionError("an http block is neither a request nor the answer to one: " + firstLine);
                }
                examples.add(request(pending[0], Integer.parseInt(status.group(1)), bodyOf(block)));
                pending = null;
            }
        }
        if (pending != null) {
            throw new AssertionError("request without a documented answer: " + pending[0]);
        }
        return examples;
    }

    private static Example request(String block, int status, String documentedBody) {
        List<String> lines = block.lines().toList();
        Matcher requestLine = REQUEST_LINE.matcher(lines.getFirst());
        if (!requestLine.matches()) {
            throw new AssertionError("not a request line: " + lines.getFirst());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String[] header = lines.get(i).split(":", 2);
            if (!CLIENT_HEADERS.contains(header[0].strip().toLowerCase(java.util.Locale.ROOT))) {
                headers.put(header[0].strip(), header[1].strip());
            }
        }
        return new Example(requestLine.group(1), requestLine.group(2), headers, bodyOf(block), status, documentedBody);
    }

    /** The text after the first blank line, or null when there is none. */
    private static String bodyOf(String block) {
        int blank = block.indexOf("\n\n");
        if (blank < 0) {
            return null;
        }
        String body = block.substring(blank + 2).strip();
        return body.isEmpty() ? null : body;
    }

    private static JsonNode parse(String body) {
        if (body == null || !body.startsWith("{")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("a documented answer is not valid JSON: " + body, e);
        }
    }

    private static String substitute(String text, Map<String, String> ids) {
        String result = text;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            result = result.replace(id.getKey(), id.getValue());
        }
        return result;
    }
}
