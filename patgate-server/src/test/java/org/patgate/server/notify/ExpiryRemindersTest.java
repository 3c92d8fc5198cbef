package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;

/**
 * Expiry reminders by mail, through a real SMTP server in the JVM with SMTP authentication: the
 * schedule runs day by day under a moved clock and each reminder arrives once.
 */
class ExpiryRemindersTest {

    @RegisterExtension
    final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("patgate@example.com", "mailer", "mail-secret-1"));

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_NOTIFICATIONS_MAIL_HOST", "127.0.0.1");
        env.put("PATGATE_NOTIFICATIONS_MAIL_PORT", String.valueOf(smtp.getSmtp().getPort()));
        env.put("PATGATE_NOTIFICATIONS_MAIL_FROM", "patgate@example.com");
        env.put("PATGATE_NOTIFICATIONS_MAIL_USERNAME", "mailer");
        env.put("PATGATE_NOTIFICATIONS_MAIL_PASSWORD", "mail-secret-1");
        env.put("PATGATE_NOTIFICATIONS_MAIL_STARTTLS", "off");
        env.put("PATGATE_NOTIFICATIONS_BASEURL", "https://patgate.example.com");
        env.putAll(extra);
        server = TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env);
        return server;
    }

    static void createUserWithEmail(TestServer server, String username, String email, String... groups) {
        TestServer.Answer answer = server.asAdmin(
                "POST",
                "/.patgate/api/v1/users",
                Map.of(
                        "username",
                        username,
                        "password",
                        username + "-password-123",
                        "email",
                        email,
                        "groups",
                        List.of(groups)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    static String createToken(TestServer server, String username, String name, Integer expiresInDays) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("scope", "read-only");
        if (expiresInDays != null) {
            body.put("expiresInDays", expiresInDays);
        }
        TestServer.Answer answer =
                server.call("POST", "/.patgate/api/v1/tokens", username, username + "-password-123", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    /**
     * Waits at most five seconds until the SMTP server holds {@code count} messages; how many it holds.
     * (Counted from the stored messages: the server counts a mail a moment before it stores it.)
     */
    private int awaitMessages(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (smtp.getReceivedMessages().length < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return smtp.getReceivedMessages().length;
    }

    private List<String> subjects() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            subjects.add(message.getSubject());
        }
        return subjects;
    }

    @Test
    void remindersAt30And7And1DaysThenTheExpiryEachArriveOnceAndNoneForARevokedToken() throws Exception {
        TestServer server = start(Map.of());
        createUserWithEmail(server, "alice", "alice@example.com");
        String id = createToken(server, "alice", "deploy", 31);
        String revoked = createToken(server, "alice", "old-script", 31);
        assertThat(server.call("DELETE", "/.patgate/api/v1/tokens/" + revoked, "admin", TestServer.ADMIN_PASSWORD, null)
                        .status())
                .isEqualTo(204);
        // The admin's revocation is itself a notice; the schedule's mails are counted after it.
        server.server().notifications().deliverDue();
        assertThat(awaitMessages(1)).isEqualTo(1);
        int before = 1;

        Notifications notifications = server.server().notifications();
        List<Integer> mailDays = new ArrayList<>();
        for (int day = 1; day <= 33; day++) {
            server.clock().advance(Duration.ofDays(1));
            int queued = notifications.runOnce();
            // A second run the same day (another node, a restart) queues nothing new.
            assertThat(notifications.runOnce()).isZero();
            notifications.deliverDue();
            if (queued > 0) {
                mailDays.add(day);
                assertThat(awaitMessages(before + mailDays.size())).isEqualTo(before + mailDays.size());
            }
        }

        assertThat(mailDays).containsExactly(1, 24, 30, 31);
        List<String> subjects = subjects().subList(before, before + 4);
        assertThat(subjects)
                .containsExactly(
                        "PATgate token \"deploy\" expires in 30 days",
                        "PATgate token \"deploy\" expires in 7 days",
                        "PATgate token \"deploy\" expires in 1 day",
                        "PATgate token \"deploy\" has expired");
        assertThat(smtp.getReceivedMessages()).hasSize(before + 4);
        MimeMessage first = smtp.getReceivedMessages()[before];
        assertThat(first.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
        String body = GreenMailUtil.getBody(first);
        assertThat(body)
                .contains("\"deploy\" (id " + id)
                .contains("It has never been used.")
                .contains("https://patgate.example.com/.patgate/tokens/" + id)
                .contains("patgate token rotate " + id);
        assertThat(String.join("\n", subjects())).doesNotContain("old-script\" expires");
    }

    @Test
    void startTlsRequiredRefusesAServerWithoutStartTlsAndLogsTheFailure() throws Exception {
        TestServer server = start(
                Map.of("PATGATE_NOTIFICATIONS_MAIL_STARTTLS", "required", "PATGATE_NOTIFICATIONS_MAXATTEMPTS", "1"));
        createUserWithEmail(server, "bob", "bob@example.com");
        createToken(server, "bob", "ci", 40);
        server.clock().advance(Duration.ofDays(10));
        assertThat(server.server().notifications().runOnce()).isEqualTo(1);
        server.server().notifications().deliverDue();

        TestServer.Answer log = server.asAdmin("GET", "/.patgate/api/v1/notifications/deliveries", null);
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.json().get("items").get(0).get("status").asText()).isEqualTo("failed");
        assertThat(log.json().get("items").get(0).get("lastError").asText()).containsIgnoringCase("STARTTLS");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(log.body()).doesNotContain("mail-secret-1");
    }

    @Test
    void aWrongSmtpPasswordIsRetriedAndNeverShown() throws Exception {
        TestServer server = start(Map.of("PATGATE_NOTIFICATIONS_MAIL_PASSWORD", "wrong-secret-9"));
        createUserWithEmail(server, "carol", "carol@example.com");
        createToken(server, "carol", "nightly", 40);
        server.clock().advance(Duration.ofDays(10));
        server.server().notifications().runOnce();
        server.server().notifications().deliverDue();

        TestServer.Answer log = server.asAdmin("GET", "/.patgate/api/v1/notifications/deliveries", null);
        assertThat(log.json().get("items").get(0).get("status").asText()).isEqualTo("pending");
        assertThat(log.json().get("items").get(0).get("attempts").asInt()).isEqualTo(1);
        assertThat(log.body()).doesNotContain("wrong-secret-9");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }
}
