package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.http.Json;

/**
 * Runs {@code bin/patgate demo} as a user would and follows its "Try this" list: every {@code curl}
 * line it prints is run with the real curl, in order, and must have the outcome the list promises.
 */
class DemoIT {

    static final Path LAUNCHER =
            Path.of("..", "bin", "patgate").toAbsolutePath().normalize();
    private static final String END_OF_WELCOME = "Press Ctrl+C to stop.";
    private static final Pattern STEP = Pattern.compile("^\\s*# (\\d)\\. ");

    @TempDir
    Path dir;

    /** One curl run: what it printed and the status code curl reported. */
    record Outcome(int status, String body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    @Test
    void everyCurlOfTheTryThisListDoesWhatTheListSays() throws Exception {
        Assumptions.assumeTrue(hasCommand("curl"), "curl is not installed");
        ProcessBuilder builder = new ProcessBuilder(
                        LAUNCHER.toString(),
                        "demo",
                        "--port",
                        "0",
                        "--data",
                        dir.resolve("demo").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PATGATE_"));
        builder.environment().put("PATGATE_HEAP", "256m");
        Process demo = builder.start();
        try {
            String welcome = readWelcome(demo);
            String gateway = field(welcome, "Gateway:");
            String readOnly = field(welcome, "read-only:");
            String readWrite = field(welcome, "read-write:");
            Map<Integer, List<String>> steps = curlSteps(welcome);

            assertThat(gateway).startsWith("http://127.0.0.1:");
            assertThat(readOnly).startsWith("pat_");
            assertThat(steps).as("the Try-this list:\n" + welcome).containsOnlyKeys(1, 2, 3, 4, 5, 6);
            assertThat(steps.values()).allSatisfy(lines -> assertThat(lines).allMatch(l -> l.contains(gateway)));

            Outcome read = curl(single(steps, 1));
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(read.json().get("identity").asText()).isEqualTo("alice");
            List<String> forwardedHeaders = new ArrayList<>();
            read.json().get("headers").fieldNames().forEachRemaining(forwardedHeaders::add);
            assertThat(forwardedHeaders).isNotEmpty().noneMatch(h -> h.equalsIgnoreCase("Authorization"));
            assertThat(read.body()).doesNotContain(readOnly).doesNotContain(readWrite);

            Outcome write = curl(single(steps, 2));
            assertThat(write.status()).as(write.body()).isEqualTo(403);

            Outcome writeRw = curl(single(steps, 3));
            assertThat(writeRw.status()).as(writeRw.body()).isEqualTo(200);
            assertThat(writeRw.json().get("method").asText()).isEqualTo("POST");
            assertThat(writeRw.json().get("identity").asText()).isEqualTo("alice");

            Outcome password = curl(single(steps, 4));
            assertThat(password.status()).as(password.body()).isEqualTo(401);
            assertThat(password.json().get("detail").asText()).contains("password authentication is disabled");

            Outcome revoke = curl(single(steps, 5));
            assertThat(revoke.status()).as(revoke.body()).isEqualTo(204);
            Outcome again = curl(single(steps, 3));
            assertThat(again.status())
                    .as("step 3 after revoking: " + again.body())
                    .isEqualTo(401);

            List<String> lookAround = steps.get(6);
            assertThat(lookAround).hasSize(2);
            Outcome tokens = curl(lookAround.get(0));
            assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
            assertThat(tokens.json().get("items"))
                    .extracting(
                            t -> t.get("name").asText() + "/" + t.get("status").asText())
                    .contains("demo read-only/active", "demo read-write/revoked");
            Outcome audit = curl(lookAround.get(1));
            assertThat(audit.status()).as(audit.body()).isEqualTo(200);
            assertThat(audit.json().get("items"))
                    .extracting(e -> e.get("action").asText())
                    .contains("token.create", "token.revoke");
            assertThat(audit.body()).doesNotContain(readOnly).doesNotContain(readWrite);
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
                demo.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theListParserGroupsCurlLinesByStep() {
        String welcome = """
                Try this:
                  # 1. Read:
                  curl -s http://g/a

                  # 6. Look:
                  curl -s http://g/b
                  curl -s http://g/c
                """;

        assertThat(curlSteps(welcome))
                .containsExactly(
                        Map.entry(1, List.of("curl -s http://g/a")),
                        Map.entry(6, List.of("curl -s http://g/b", "curl -s http://g/c")));
    }

    /** Reads the demo's output up to the end of its welcome text, with a bounded wait. */
    private static String readWelcome(Process demo) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out =
                            new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the process ended; the wait below reports what was seen
                    }
                },
                "demo-output");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (line.strip().equals(END_OF_WELCOME)) {
                    return seen.toString();
                }
            } else if (!demo.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("the demo did not print '" + END_OF_WELCOME + "'; output:\n" + seen);
    }

    /** The first word after a label such as {@code Gateway:}. */
    private static String field(String welcome, String label) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + "\\s+(\\S+)")
                .matcher(welcome);
        if (!matcher.find()) {
            throw new AssertionError("no '" + label + "' in:\n" + welcome);
        }
        return matcher.group(1);
    }

    /** The curl lines of the list, by the number of the step they follow. */
    static Map<Integer, List<String>> curlSteps(String welcome) {
        Map<Integer, List<String>> steps = new LinkedHashMap<>();
        Integer step = null;
        for (String line : welcome.lines().toList()) {
            Matcher heading = STEP.matcher(line);
            if (heading.find()) {
                step = Integer.parseInt(heading.group(1));
            } else if (line.strip().startsWith("curl ") && step != null) {
                steps.computeIfAbsent(step, s -> new ArrayList<>()).add(line.strip());
            }
        }
        return steps;
    }

    private static String single(Map<Integer, List<String>> steps, int step) {
        assertThat(steps.get(step)).as("curl lines of step " + step).hasSize(1);
        return steps.get(step).getFirst();
    }

    /** Runs a printed curl line with bash, as the user would paste it, adding only the status code. */
    private static Outcome curl(String line) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", line + " --max-time 30 -w '\\n%{http_code}'")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish: " + line);
        }
        assertThat(process.exitValue())
                .as("curl exit code for: " + line + "\n" + output)
                .isZero();
        int newline = output.lastIndexOf('\n');
        return new Outcome(Integer.parseInt(output.substring(newline + 1).strip()), output.substring(0, newline));
    }

    static boolean hasCommand(String name) {
        try {
            Process process = new ProcessBuilder("bash", "-c", "command -v " + name)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
