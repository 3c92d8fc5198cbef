package org.patgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;

/**
 * Runs the admin guide's Notifications section: a node started with the page's {@code notifications}
 * configuration (only the SMTP server's address becomes a test one, and STARTTLS is off because the
 * test's SMTP server lacks it) mails the reminder the page describes; the page's shell check accepts
 * a real webhook call's signature and refuses a changed body.
 */
class NotificationsDocTest {

    static final Path DOC = AdminGuideExamplesTest.DOC;
    private static final Pattern SECTION = Pattern.compile("(?ms)^## Notifications\\n(.*?)^## ");
    private static final Pattern YAML = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$");
    private static final Pattern SH = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");
    private static final String SECRET = "whsec-doc-0123456789ab";

    @RegisterExtension
    final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("patgate@example.com", "patgate", "smtp-pw-1"));

    @TempDir
    Path dir;

    private static String section() throws IOException {
        Matcher section = SECTION.matcher(Files.readString(DOC));
        assertThat(section.find()).as("a Notifications section").isTrue();
        return section.group(1);
    }

    private static String block(Pattern pattern) throws IOException {
        Matcher block = pattern.matcher(section());
        assertThat(block.find()).as("a block " + pattern).isTrue();
        return block.group(1);
    }

    /** The page's YAML as PATGATE_ variables, the way the configuration reads them. */
    private static Map<String, String> environmentOf(String yaml) throws IOException {
        Map<String, String> env = new HashMap<>();
        flatten(new YAMLMapper().readTree(yaml), "PATGATE", env);
        return env;
    }

    private static void flatten(JsonNode node, String name, Map<String, String> env) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(field.getValue(), name + "_" + field.getKey().toUpperCase(), env);
            }
        } else {
            env.put(name, node.asText());
        }
    }

    @Test
    void thePagesMailConfigurationSendsTheExpiryReminderWithItsLinkAndCommand() throws Exception {
        Map<String, String> env = environmentOf(block(YAML));
        assertThat(env)
                .containsEntry("PATGATE_NOTIFICATIONS_MAIL_HOST", "smtp.example.com")
                .containsEntry("PATGATE_NOTIFICATIONS_MAIL_STARTTLS", "required");
        env.put("PATGATE_NOTIFICATIONS_MAIL_HOST", "127.0.0.1");
        env.put("PATGATE_NOTIFICATIONS_MAIL_PORT", String.valueOf(smtp.getSmtp().getPort()));
        env.put("PATGATE_NOTIFICATIONS_MAIL_STARTTLS", "off");
        env.put("PATGATE_NOTIFICATIONS_MAIL_PASSWORD", "smtp-pw-1");
        try (TestServer server =
                TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env)) {
            assertThat(server.asAdmin(
                                    "POST",
                                    "/.patgate/api/v1/users",
                                    Map.of(
                                            "username", "alice",
                                            "password", "alice-password-123",
                                            "email", "alice@example.com"))
                            .status())
                    .isEqualTo(201);
            TestServer.Answer token = server.call(
                    "POST",
                    "/.patgate/api/v1/tokens",
                    "alice",
                    "alice-password-123",
                    Map.of("name", "deploy", "scope", "read-only", "expiresInDays", 8));
            String id = token.json().get("id").asText();
            server.clock().advance(Duration.ofDays(1));
            server.server().notifications().runOnce();
            server.server().notifications().deliverDue();

            // Polled on the stored messages: the server counts a mail a moment before it stores it.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (smtp.getReceivedMessages().length == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            var mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("PATgate token \"deploy\" expires in 7 days");
            assertThat(mail.getFrom()[0].toString()).isEqualTo("patgate@example.com");
            assertThat(GreenMailUtil.getBody(mail))
                    .contains("https://patgate.example.com/.patgate/tokens/" + id)
                    .contains("patgate token rotate " + id);
        }
    }

    @Test
    void thePagesShellCheckAcceptsARealSignatureAndRefusesAChangedBody() throws Exception {
        BlockingQueue<String[]> calls = new ArrayBlockingQueue<>(10);
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                calls.add(new String[] {
                    exchange.getRequestHeaders().getFirst("PATgate-Signature"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                });
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (TestServer server = TestServer.h2(dir)) {
            server.asAdmin(
                    "PUT",
                    "/.patgate/api/v1/notifications/targets/everyone",
                    Map.of(
                            "webhookUrl",
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                            "webhookSecret",
                            SECRET));
            server.createUser("bob", "bob-password-123");
            server.asAdmin(
                    "POST", "/.patgate/api/v1/tokens", Map.of("name", "etl", "owner", "bob", "scope", "read-only"));
            String[] call = calls.poll(5, TimeUnit.SECONDS);
            assertThat(call).as("a webhook call").isNotNull();

            assertThat(runCheck(call[0], call[1])).isEqualTo("valid");
            assertThat(runCheck(call[0], call[1].replace("\"bob\"", "\"eve\""))).isEqualTo("INVALID");
            assertThat(runCheck(call[0].replaceFirst("t=[0-9]+", "t=1000000000"), call[1]))
                    .isEqualTo("INVALID");
        } finally {
            receiver.stop(0);
        }
    }

    private String runCheck(String signature, String body) throws Exception {
        Path work = Files.createTempDirectory(dir, "receiver");
        Files.writeString(work.resolve("body.json"), body);
        Files.writeString(work.resolve("check.sh"), block(SH));
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "check.sh"))
                .directory(work.toFile())
                .redirectErrorStream(true);
        builder.environment().put("SIGNATURE", signature);
        builder.environment().put("WEBHOOK_SECRET", SECRET);
        Process process = builder.start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
