package org.patgate.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.slf4j.LoggerFactory;

/**
 * Client data cannot forge log lines: with the production logging configuration ({@code logback.xml})
 * and its real console output captured, usernames, form fields, paths and exception messages carrying
 * CR, LF, other control characters or bidirectional overrides come out escaped on their own line,
 * for PATgate's loggers and for Jetty's alike.
 */
@EndToEndTest
class LogForgingTest {

    /** What an attacker wants to appear as a log line of its own. */
    static final String FORGED = "1999-01-01T00:00:00.000Z INFO  [main] o.p.server.audit.AuditLog - audit actor=admin "
            + "action=user.delete target=alice outcome=success";

    static final Pattern LOG_LINE =
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO |WARN |ERROR|DEBUG|TRACE) .*");
    static final Pattern THROWABLE_HEADER = Pattern.compile("^[a-z][\\w.$]*\\.[A-Z]\\w*(Exception|Error)\\b.*");

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static PrintStream originalOut;
    static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        originalOut = System.out;
        System.setOut(new PrintStream(CAPTURED, true, StandardCharsets.UTF_8));
        URL production = LogForgingTest.class.getResource("/logback.xml");
        assertThat(production.getPath())
                .as("the shipped configuration, not the test one")
                .doesNotContain("test-classes");
        configure(production);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            System.setOut(originalOut);
            configure(LogForgingTest.class.getResource("/logback-test.xml"));
        }
    }

    private static void configure(URL file) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(file);
    }

    @Test
    void clientDataWithLineBreaksControlsAndBidiOverridesNeverForgesALine() {
        // A failed API login: the username (CR LF inside Basic's base64) is audited and logged.
        gw.send(
                "GET",
                "/.patgate/api/v1/me",
                Map.of("Authorization", TestServer.basic("mallory\r\n" + FORGED, "wrong")),
                null);
        // The same over the sign-in form, LF only; then an override, the line separator and NEL.
        gw.send(
                "POST",
                "/.patgate/login",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "username=eve%0a" + enc(FORGED) + "&password=x&_csrf=x");
        gw.send(
                "GET",
                "/.patgate/api/v1/me",
                Map.of("Authorization", TestServer.basic("trudy\u202eeulav\u2028\u0085" + FORGED, "wrong")),
                null);
        // Paths and query strings with encoded CR LF, through the gateway and the API.
        gw.send(
                "GET",
                "/rest/api/2/x%0d%0a" + enc(FORGED) + "?q=%0d%0a" + enc(FORGED),
                Map.of("Authorization", "Bearer pat_notatoken"),
                null);
        gw.send("GET", "/.patgate/api/v1/tokens/x%0d%0a" + enc(FORGED), Map.of(), null);
        // Jetty's own loggers go through the same configuration: a warning quoting a request line, and
        // an exception whose message carries the payload.
        LoggerFactory.getLogger("org.eclipse.jetty.server.HttpChannel")
                .warn("bad request line: {}", "GET /x\r\n" + FORGED + "\u001b[2J HTTP/1.1");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server")
                .warn(
                        "failure",
                        new IllegalStateException(
                                "boom\n" + FORGED, new IllegalArgumentException("cause\r\n" + FORGED)));
        System.out.flush();

        String output = CAPTURED.toString(StandardCharsets.UTF_8);
        List<String> lines = output.lines().toList();
        // (Basic credentials end the username at the first ':', so only its start is in the audit line.)
        assertThat(output)
                .as("the attempts were logged, escaped")
                .contains("actor=mallory")
                .contains("actor=trudy\\u202eeulav\\u2028\\u0085")
                .contains("GET /x\\r\\n1999-")
                .contains("\\u001b[2J");
        assertThat(output)
                .doesNotContain("\u202e")
                .doesNotContain("\u2028")
                .doesNotContain("\u0085")
                .doesNotContain("\u001b")
                .doesNotContain("\r");
        for (String line : lines) {
            assertThat(line).as("no line is the forged one").doesNotStartWith("1999-");
            assertThat(LOG_LINE.matcher(line).matches()
                            || THROWABLE_HEADER.matcher(line).matches()
                            || line.startsWith("\t")
                            || line.startsWith(" "))
                    .as("a log line, or part of a stack trace: " + line)
                    .isTrue();
        }
        assertThat(lines)
                .anyMatch(l -> l.startsWith("  ") && l.contains(FORGED))
                .as("an exception message's own line breaks stay, indented, so they cannot pass for a log line");
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
