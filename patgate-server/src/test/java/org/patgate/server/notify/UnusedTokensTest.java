package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.store.TokenUse;
import org.patgate.server.testing.TestServer;

/** The policy's revokeUnusedAfterDays under a moved clock: a notice at half the limit, revocation at it. */
class UnusedTokensTest {

    static final String SECRET = "whsec-unused-0123456789";

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

    private String token(String name) {
        TestServer.Answer created = server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "alice",
                "alice-password-123",
                Map.of("name", name, "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    @Test
    void anUnusedTokenGetsOneNoticeAtHalfTheLimitAndIsRevokedBySystemAtTheLimit() throws Exception {
        receiver = new WebhookReceiver(SECRET);
        server = TestServer.h2(dir);
        server.asAdmin(
                "PUT",
                "/.patgate/api/v1/notifications/targets/everyone",
                Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        TestServer.Answer policy =
                server.asAdmin("PUT", "/.patgate/api/v1/policies/everyone", Map.of("revokeUnusedAfterDays", 10));
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        assertThat(policy.json().get("policy").get("revokeUnusedAfterDays").asInt())
                .isEqualTo(10);
        server.createUser("alice", "alice-password-123");
        String idle = token("idle");
        String busy = token("busy");

        List<String> noticeDays = new ArrayList<>();
        for (int day = 1; day <= 14; day++) {
            server.clock().advance(Duration.ofDays(1));
            server.server()
                    .database()
                    .tokens()
                    .recordUses(List.of(new TokenUse(busy, server.clock().instant(), "192.0.2.7", "cron")));
            int queued = server.server().notifications().runOnce();
            assertThat(server.server().notifications().runOnce()).isZero();
            server.server().notifications().deliverDue();
            if (queued > 0) {
                noticeDays.add(day + ":"
                        + receiver.awaitCalls(noticeDays.size() + 1).getLast().event());
            }
        }

        assertThat(noticeDays).containsExactly("5:token.unused", "10:token.revoked-unused");
        assertThat(receiver.calls()).allSatisfy(call -> {
            assertThat(call.signatureValid()).isTrue();
            assertThat(call.body()).contains("\"id\":\"" + idle + "\"");
        });
        assertThat(receiver.calls().getFirst().body()).contains("\"unusedDays\":5");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + idle, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("revoked");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + busy, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("active");
        JsonNode audit = server.asAdmin("GET", "/.patgate/api/v1/audit?actor=system&action=token.revoke", null)
                .json()
                .get("items");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("target").asText()).isEqualTo(idle);
        assertThat(audit.get(0).get("detail").asText()).contains("unused for 10 days");
    }

    @Test
    void withoutTheOptionNothingIsRevoked() throws Exception {
        server = TestServer.h2(dir);
        server.createUser("alice", "alice-password-123");
        String idle = token("idle");
        server.clock().advance(Duration.ofDays(400));
        server.server().notifications().runOnce();
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + idle, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("active");
    }
}
