package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.core.token.TokenDigester;
import org.patgate.server.store.Database;
import org.patgate.server.testing.TestServer;

/**
 * Webhook secrets at rest: the database never holds the secret itself, yet deliveries are signed with
 * it; a secret stored in plain by an earlier version still signs and is encrypted when a node starts;
 * a node with another pepper fails each delivery with a clear reason instead of signing with garbage.
 */
class WebhookSecretsAtRestTest {

    static final String SECRET = "whsec-at-rest-0123456789";

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

    @Test
    void theStoredColumnNeverHoldsTheSecretAndDeliveriesAreSignedWithIt() throws Exception {
        start(TestServer.h2(dir));
        setTarget(Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        Stored first = stored(server.server().database());
        assertThat(first.plain()).isNull();
        assertThat(first.encrypted()).startsWith(WebhookSecrets.PREFIX).doesNotContain(SECRET);

        // A change of address keeps the secret, still encrypted; setting it again encrypts anew.
        setTarget(Map.of("webhookUrl", receiver.url() + "?again"));
        assertThat(stored(server.server().database()).encrypted()).isEqualTo(first.encrypted());
        setTarget(Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        assertThat(stored(server.server().database()).encrypted())
                .as("a fresh nonce per value")
                .isNotEqualTo(first.encrypted())
                .doesNotContain(SECRET);

        assertSignedDelivery();
    }

    @Test
    void aSecretStoredInPlainByAnEarlierVersionStillSignsAndIsEncryptedAtStart() throws Exception {
        start(TestServer.h2(dir));
        setTarget(Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        server.close();
        server = null;
        try (Database database = Database.open(h2Url(), "", "", 2);
                Connection connection = database.dataSource().getConnection();
                PreparedStatement plain = connection.prepareStatement(
                        "UPDATE notification_targets SET webhook_secret = ?, webhook_secret_encrypted = NULL")) {
            plain.setString(1, SECRET); // as an earlier version stored it
            assertThat(plain.executeUpdate()).isEqualTo(1);
        }

        server = TestServer.h2(dir);
        Stored migrated = stored(server.server().database());
        assertThat(migrated.plain()).isNull();
        assertThat(migrated.encrypted()).startsWith(WebhookSecrets.PREFIX).doesNotContain(SECRET);
        assertSignedDelivery();

        // Set in plain while this node runs (by a node of the earlier version in a rolling upgrade):
        // still signs, and a change of address that keeps the secret stores it encrypted.
        storeInPlain(server.server().database());
        receiver.close();
        receiver = new WebhookReceiver(SECRET);
        setTarget(Map.of("webhookUrl", receiver.url()));
        Stored kept = stored(server.server().database());
        assertThat(kept.plain()).isNull();
        assertThat(kept.encrypted()).startsWith(WebhookSecrets.PREFIX).doesNotContain(SECRET);
        assertSignedDelivery();
    }

    @Test
    void aSecretSetInPlainWhileTheNodeRunsStillSigns() throws Exception {
        start(TestServer.h2(dir));
        setTarget(Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        storeInPlain(server.server().database());
        assertSignedDelivery();
    }

    private static void storeInPlain(Database database) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement plain = connection.prepareStatement(
                        "UPDATE notification_targets SET webhook_secret = ?, webhook_secret_encrypted = NULL")) {
            plain.setString(1, SECRET); // as an earlier version stores it
            assertThat(plain.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void aNodeWithAnotherPepperFailsEachDeliveryClearlyAndSendsNothing() throws Exception {
        start(TestServer.h2(dir));
        setTarget(Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        String before = stored(server.server().database()).encrypted();
        server.close();
        server = TestServer.start(
                dir,
                h2Url(),
                "",
                "",
                Map.of("PATGATE_TOKENS_PEPPERFILE", dir.resolve("other-pepper").toString()));

        createTokenFor("bob");
        JsonNode delivery = firstAttempt();
        assertThat(delivery.get("status").asText()).isEqualTo("pending");
        assertThat(delivery.get("lastError").asText())
                .contains("webhook secret of the notification target '*' cannot be decrypted")
                .contains("pepper")
                .doesNotContain(SECRET);
        assertThat(receiver.calls()).as("nothing signed with a wrong key").isEmpty();
        assertThat(stored(server.server().database()).encrypted())
                .as("left as it was")
                .isEqualTo(before);
    }

    @Test
    void aValueCopiedToAnotherGroupOrChangedDoesNotDecrypt() {
        byte[] pepper = new byte[32];
        Arrays.fill(pepper, (byte) 3);
        WebhookSecrets secrets = WebhookSecrets.derivedFrom(new TokenDigester(pepper), new SecureRandom());
        String sealed = secrets.encrypt("ops", SECRET);

        assertThat(secrets.decrypt("ops", sealed)).isEqualTo(SECRET);
        assertThat(secrets.decrypt("ops", SECRET))
                .as("plain from an earlier version")
                .isEqualTo(SECRET);
        assertThatThrownBy(() -> secrets.decrypt("*", sealed))
                .isInstanceOf(WebhookSecrets.WebhookSecretException.class)
                .hasMessageContaining("'*' cannot be decrypted");
        String changed = sealed.substring(0, sealed.length() - 3) + (sealed.endsWith("AAA") ? "BBB" : "AAA");
        assertThatThrownBy(() -> secrets.decrypt("ops", changed))
                .isInstanceOf(WebhookSecrets.WebhookSecretException.class)
                .hasMessageNotContaining(SECRET);
        assertThat(secrets.encrypt("ops", "x".repeat(255)).length())
                .as("the longest secret fits its column")
                .isLessThanOrEqualTo(512);
    }

    private void start(TestServer started) throws Exception {
        server = started;
        receiver = new WebhookReceiver(SECRET);
        server.createUser("bob", "bob-password-123");
    }

    private void setTarget(Map<String, String> body) {
        TestServer.Answer set = server.asAdmin("PUT", "/.patgate/api/v1/notifications/targets/everyone", body);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).doesNotContain(SECRET).contains("\"webhookSecretSet\":true");
    }

    private void createTokenFor(String owner) {
        TestServer.Answer created = server.asAdmin(
                "POST",
                "/.patgate/api/v1/tokens",
                Map.of("name", "etl", "owner", owner, "scope", "read-only", "expiresInDays", 90));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private void assertSignedDelivery() throws InterruptedException {
        createTokenFor("bob");
        List<WebhookReceiver.Call> calls = receiver.awaitCalls(1);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().signatureValid())
                .as("signed with the secret the receiver knows")
                .isTrue();
    }

    /** The newest delivery once its first attempt is recorded; waits at most five seconds. */
    private JsonNode firstAttempt() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode newest = deliveries();
        while (System.nanoTime() < deadline
                && (newest == null || newest.get("attempts").asInt() < 1)) {
            Thread.sleep(20);
            newest = deliveries();
        }
        assertThat(newest).as("a delivery attempted").isNotNull();
        return newest;
    }

    private JsonNode deliveries() {
        TestServer.Answer log = server.asAdmin("GET", "/.patgate/api/v1/notifications/deliveries", null);
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        JsonNode items = log.json().get("items");
        return items.isEmpty() ? null : items.get(0);
    }

    private String h2Url() {
        return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    }

    private record Stored(String plain, String encrypted) {}

    private static Stored stored(Database database) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement read = connection.prepareStatement(
                        "SELECT webhook_secret, webhook_secret_encrypted FROM notification_targets WHERE group_key = '*'");
                ResultSet row = read.executeQuery()) {
            assertThat(row.next()).isTrue();
            return new Stored(row.getString(1), row.getString(2));
        }
    }
}
