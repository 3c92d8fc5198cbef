package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.TestServer;

/** Signed webhooks to a real receiver on loopback: retries with backoff, the delivery log, the event sources. */
class WebhookDeliveryTest {

    static final String SECRET = "whsec-0123456789abcdef";

    @TempDir
    Path dir;

    private TestServer server;
    private WebhookReceiver receiver;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private void start(Integer... statuses) throws Exception {
        receiver = new WebhookReceiver(SECRET, statuses);
        server = TestServer.h2(dir);
        TestServer.Answer set = server.asAdmin(
                "PUT",
                "/.patgate/api/v1/notifications/targets/everyone",
                Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).doesNotContain(SECRET).contains("\"webhookSecretSet\":true");
        server.createUser("bob", "bob-password-123");
    }

    private String createTokenFor(String owner) {
        TestServer.Answer created = server.asAdmin(
                "POST",
                "/.patgate/api/v1/tokens",
                Map.of("name", "etl", "owner", owner, "scope", "read-only", "expiresInDays", 90));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /**
     * The newest delivery once its attempt {@code attempts} is recorded (the receiver sees a call
     * before the sender records its answer); waits at most five seconds.
     */
    private JsonNode afterAttempt(int attempts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode newest = deliveries().get(0);
        while (System.nanoTime() < deadline
                && (newest.get("attempts").asInt() < attempts
                        || (newest.get("status").asText().equals("pending")
                                && !newest.path("lastError").isTextual()))) {
            Thread.sleep(20);
            newest = deliveries().get(0);
        }
        return newest;
    }

    /**
     * Exactly {@code count} deliveries were queued and all are answered and sent, and the receiver got
     * exactly {@code count} calls: nothing is left that could still come. Notices are queued when their
     * event happens, so once none is pending none can follow; this waits (at most five seconds) for
     * that instead of waiting five seconds for a call that must not come.
     */
    private void assertNothingMoreIsSent(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode log = deliveries();
        while (System.nanoTime() < deadline && pending(log)) {
            Thread.sleep(20);
            log = deliveries();
        }
        assertThat(log).as(log.toString()).hasSize(count);
        assertThat(log)
                .as(log.toString())
                .allSatisfy(
                        delivery -> assertThat(delivery.get("status").asText()).isEqualTo("sent"));
        assertThat(receiver.calls()).hasSize(count);
    }

    private static boolean pending(JsonNode deliveries) {
        for (JsonNode delivery : deliveries) {
            if (delivery.get("status").asText().equals("pending")) {
                return true;
            }
        }
        return false;
    }

    private JsonNode deliveries() {
        TestServer.Answer log = server.asAdmin("GET", "/.patgate/api/v1/notifications/deliveries", null);
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        return log.json().get("items");
    }

    @Test
    void aSignedWebhookIsRetriedWithBackoffAfterTwo500sAndLoggedAsSent() throws Exception {
        start(500, 500);
        String id = createTokenFor("bob");
        String secretOfToken =
                server.asAdmin("GET", "/.patgate/api/v1/tokens/" + id, null).body();

        // The first attempt goes out at once, from the worker.
        assertThat(receiver.awaitCalls(1)).hasSize(1);
        JsonNode pending = afterAttempt(1);
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(pending.get("attempts").asInt()).isEqualTo(1);
        assertThat(pending.get("lastError").asText()).contains("HTTP 500");

        // Not due before the backoff has passed: a drain now sends nothing.
        server.server().notifications().deliverDue();
        assertThat(receiver.calls()).hasSize(1);

        server.clock().advance(Duration.ofMinutes(1));
        server.server().notifications().deliverDue();
        assertThat(receiver.awaitCalls(2)).hasSize(2);
        afterAttempt(2);
        // The second wait is twice the first.
        server.clock().advance(Duration.ofMinutes(1));
        server.server().notifications().deliverDue();
        assertThat(receiver.calls()).hasSize(2);
        server.clock().advance(Duration.ofMinutes(1));
        server.server().notifications().deliverDue();
        List<WebhookReceiver.Call> calls = receiver.awaitCalls(3);

        assertThat(calls).hasSize(3).allSatisfy(call -> {
            assertThat(call.signatureValid()).as(call.signature()).isTrue();
            assertThat(call.event()).isEqualTo("token.created-for-you");
        });
        JsonNode body = TestServer.Answer.class
                .cast(new TestServer.Answer(200, null, calls.get(2).body()))
                .json();
        assertThat(body.get("event").asText()).isEqualTo("token.created-for-you");
        assertThat(body.get("token").get("id").asText()).isEqualTo(id);
        assertThat(body.get("token").get("owner").asText()).isEqualTo("bob");
        assertThat(body.get("details").get("createdBy").asText()).isEqualTo("admin");
        assertThat(calls.get(2).body()).doesNotContain(SECRET).doesNotContain("pat_");
        assertThat(secretOfToken).doesNotContain(SECRET);

        JsonNode sent = deliveries().get(0);
        assertThat(sent.get("status").asText()).isEqualTo("sent");
        assertThat(sent.get("attempts").asInt()).isEqualTo(3);
        assertThat(sent.get("channel").asText()).isEqualTo("webhook");
        assertThat(sent.get("recipient").asText()).isEqualTo(receiver.url());
        assertThat(sent.toString()).doesNotContain(SECRET);
    }

    @Test
    void aWebhookThatKeepsFailingIsGivenUpAfterMaxAttempts() throws Exception {
        receiver = new WebhookReceiver(SECRET, 503, 503, 503, 503);
        server = TestServer.start(
                dir,
                "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_NOTIFICATIONS_MAXATTEMPTS", "2"));
        server.asAdmin(
                "PUT",
                "/.patgate/api/v1/notifications/targets/everyone",
                Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        server.createUser("bob", "bob-password-123");
        createTokenFor("bob");
        assertThat(receiver.awaitCalls(1)).hasSize(1);
        afterAttempt(1);
        server.clock().advance(Duration.ofMinutes(1));
        server.server().notifications().deliverDue();
        assertThat(receiver.awaitCalls(2)).hasSize(2);
        afterAttempt(2);
        server.clock().advance(Duration.ofHours(1));
        server.server().notifications().deliverDue();

        JsonNode failed = deliveries().get(0);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(2);
        assertThat(receiver.calls()).hasSize(2);
    }

    @Test
    void revocationByAnAdminAndApprovalsAreNoticedButAnOwnersOwnActionsAreNot() throws Exception {
        start();
        // The owner's own token and revocation: no notices.
        TestServer.Answer own = server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "bob",
                "bob-password-123",
                Map.of("name", "mine", "scope", "read-only", "expiresInDays", 90));
        String ownId = own.json().get("id").asText();
        server.call("DELETE", "/.patgate/api/v1/tokens/" + ownId, "bob", "bob-password-123", null);

        String id = createTokenFor("bob");
        assertThat(server.asAdmin("DELETE", "/.patgate/api/v1/tokens/" + id, null)
                        .status())
                .isEqualTo(204);
        List<WebhookReceiver.Call> calls = receiver.awaitCalls(2);
        assertThat(calls)
                .extracting(WebhookReceiver.Call::event)
                .containsExactlyInAnyOrder("token.created-for-you", "token.revoked");

        // Approval: a policy requires it; the request goes to approvers, the decision to the owner.
        assertThat(server.asAdmin("PUT", "/.patgate/api/v1/policies/everyone", Map.of("approvalRequired", true))
                        .status())
                .isEqualTo(200);
        TestServer.Answer pending = server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "bob",
                "bob-password-123",
                Map.of("name", "needs-ok", "scope", "read-only", "expiresInDays", 30));
        assertThat(pending.status()).as(pending.body()).isEqualTo(201);
        String pendingId = pending.json().get("id").asText();
        assertThat(receiver.awaitCalls(3).get(2).event()).isEqualTo("approval.requested");
        assertThat(server.asAdmin("POST", "/.patgate/api/v1/tokens/" + pendingId + "/deny", Map.of("reason", "no"))
                        .status())
                .isEqualTo(200);
        List<WebhookReceiver.Call> all = receiver.awaitCalls(4);
        assertThat(all.get(3).event()).isEqualTo("approval.decided");
        assertThat(all.get(3).body()).contains("\"decision\":\"denied\"").contains("\"reason\":\"no\"");
        assertThat(all).allSatisfy(call -> assertThat(call.signatureValid()).isTrue());
        assertNothingMoreIsSent(4);
    }

    @Test
    void aFirstUseFromANewAddressIsNoticedOncePerAddress() throws Exception {
        start();
        TestServer.Answer own = server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "bob",
                "bob-password-123",
                Map.of("name", "laptop", "scope", "read-only"));
        String id = own.json().get("id").asText();
        Notifications notifications = server.server().notifications();

        notifications.firstUseFromNewAddress(id, "203.0.113.9", "curl/8.5");
        notifications.firstUseFromNewAddress(id, "203.0.113.9", "curl/8.5");
        notifications.firstUseFromNewAddress(id, "198.51.100.4", null);
        notifications.firstUseFromNewAddress("no-such-token", "198.51.100.4", null);

        List<WebhookReceiver.Call> calls = receiver.awaitCalls(2);
        assertThat(calls).extracting(WebhookReceiver.Call::event).containsOnly("token.new-address");
        assertThat(calls)
                .extracting(WebhookReceiver.Call::body)
                .anySatisfy(body ->
                        assertThat(body).contains("\"address\":\"203.0.113.9\"").contains("curl/8.5"))
                .anySatisfy(body -> assertThat(body).contains("\"address\":\"198.51.100.4\""));
        assertNothingMoreIsSent(2);
    }
}
