package org.patgate.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.patgate.server.http.Json;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * The worked examples of a Markdown page: each {@code http} block holding a request, paired with the
 * {@code http} block after it holding the documented answer. {@link Replay} sends them, in page order,
 * to a real server and reports every example whose answer differs from the page: another status, for
 * problem answers another problem {@code type}, or a field the page shows that the answer lacks.
 *
 * <p>Ids and secrets in the page's create and rotate answers are stand-ins for the ones the server
 * really issues; later examples that show them are sent with the real ones. Not thread-safe: one
 * replay per test.
 */
final class HttpExamples {

    private static final Pattern HTTP_BLOCK = Pattern.compile("(?ms)^```http\\n(.*?)^```$");
    private static final Pattern REQUEST_LINE = Pattern.compile("^([A-Z]+) (\\S+) HTTP/1\\.1$");
    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.1 (\\d{3})( .*)?$");
    /** Headers the HTTP client sets itself (and may not be given). */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "connection");

    private HttpExamples() {}

    /** One documented request and the answer the page says it gets. */
    record Example(
            String method, String target, Map<String, String> headers, String body, int status, String documentedBody) {
        @Override
        public String toString() {
            return method + " " + target + " -> " + status;
        }
    }

    /** Pairs each request block with the response block that follows it; anything else is an error. */
    static List<Example> read(String page) {
        List<Example> examples = new ArrayList<>();
        Matcher blocks = HTTP_BLOCK.matcher(page);
        String pending = null;
        while (blocks.find()) {
            String block = blocks.group(1);
            String firstLine = block.lines().findFirst().orElse("");
            if (REQUEST_LINE.matcher(firstLine).matches()) {
                if (pending != null) {
                    throw new AssertionError("request without a documented answer: " + pending);
                }
                pending = block;
            } else {
                Matcher status = STATUS_LINE.matcher(firstLine);
                if (!status.matches() || pending == null) {
                    throw new AssertionError("an http block is neither a request nor the answer to one: " + firstLine);
                }
                examples.add(request(pending, Integer.parseInt(status.group(1)), bodyOf(block)));
                pending = null;
            }
        }
        if (pending != null) {
            throw new AssertionError("request without a documented answer: " + pending);
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
        for (int i = 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String[] header = lines.get(i).split(":", 2);
            if (header.length != 2) {
                throw new AssertionError("not a header line: " + lines.get(i));
            }
            if (!CLIENT_HEADERS.contains(header[0].strip().toLowerCase(Locale.ROOT))) {
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

    /** A documented JSON object body, or null for no body or one that is not JSON (e.g. an upstream's page). */
    static JsonNode json(String body) {
        if (body == null || !body.startsWith("{")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("a documented answer is not valid JSON: " + body, e);
        }
    }

    /** Sends a page's examples in order to one server, learning the stand-ins as it goes. */
    static final class Replay {

        private final TestServer server;
        /** Documented id or secret to the real one, longest first so that no stand-in replaces part of another. */
        private final Map<String, String> standIns = new TreeMap<>(
                Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

        Replay(TestServer server) {
            this.server = server;
        }

        /** A further check of each answer: what is wrong with it, or null. */
        interface Check {
            String problem(Example example, Answer answer);
        }

        /** What did not go as documented, one line per example; empty when every example did. */
        List<String> run(List<Example> examples) {
            return run(examples, (example, answer) -> null);
        }

        /** As {@link #run(List)}, also applying {@code check} to every answer. */
        List<String> run(List<Example> examples, Check check) {
            List<String> failures = new ArrayList<>();
            for (Example example : examples) {
                Answer answer = server.raw(
                        example.method(),
                        substitute(example.target()),
                        substituteAll(example.headers()),
                        example.body() == null ? null : substitute(example.body()));
                String problem = check.problem(example, answer);
                if (problem != null) {
                    failures.add(example + ": " + problem);
                }
                if (answer.status() != example.status()) {
                    failures.add(example + " but got " + answer.status() + " " + answer.body());
                    continue;
                }
                JsonNode documented = json(example.documentedBody());
                if (documented == null) {
                    continue;
                }
                JsonNode actual = answer.json();
                if (documented.has("type")
                        && !actual.path("type")
                                .asText()
                                .equals(documented.get("type").asText())) {
                    failures.add(example + " with problem type " + documented.get("type") + " but got "
                            + actual.path("type"));
                }
                List<String> missing = new ArrayList<>();
                missingFields(documented, actual, "", missing);
                if (!missing.isEmpty()) {
                    failures.add(example + " shows fields the answer lacks: " + missing + " in " + answer.body());
                }
                if (documented.hasNonNull("token") && documented.hasNonNull("id")) {
                    standIns.put(documented.get("id").asText(), actual.get("id").asText());
                    standIns.put(
                            documented.get("token").asText(),
                            actual.get("token").asText());
                }
            }
            return failures;
        }

        /** The real value a documented stand-in stands for. */
        String real(String documented) {
            return standIns.getOrDefault(documented, documented);
        }

        private String substitute(String text) {
            String result = text;
            for (Map.Entry<String, String> standIn : standIns.entrySet()) {
                result = result.replace(standIn.getKey(), standIn.getValue());
            }
            return result;
        }

        private Map<String, String> substituteAll(Map<String, String> headers) {
            Map<String, String> result = new LinkedHashMap<>();
            headers.forEach((name, value) -> result.put(name, substitute(value)));
            return result;
        }
    }

    /**
     * Collects the fields shown in {@code documented} that {@code actual} lacks, into nested objects
     * and into the first element of arrays (when the real array has one to compare with).
     */
    static void missingFields(JsonNode documented, JsonNode actual, String at, List<String> missing) {
        if (documented.isObject()) {
            if (!actual.isObject()) {
                missing.add(at.isEmpty() ? "(an object)" : at);
                return;
            }
            for (Iterator<String> names = documented.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String path = at.isEmpty() ? name : at + "." + name;
                if (!actual.has(name)) {
                    missing.add(path);
                } else if (!documented.get(name).isNull() && !actual.get(name).isNull()) {
                    missingFields(documented.get(name), actual.get(name), path, missing);
                }
            }
        } else if (documented.isArray() && actual.isArray() && !documented.isEmpty() && !actual.isEmpty()) {
            missingFields(documented.get(0), actual.get(0), at + "[0]", missing);
        }
    }
}
