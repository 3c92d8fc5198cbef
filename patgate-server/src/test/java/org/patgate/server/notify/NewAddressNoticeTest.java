package org.patgate.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * From gateway traffic to the owner's webhook: a token used from an address it was not used from
 * before is told once per address, its very first address is not (every token has one), and the
 * notice carries the address but never the secret.
 */
class NewAddressNoticeTest {

    static final String SECRET = "whsec-0123456789abcdef";

    private final WebhookReceiver receiver = open();

    @RegisterExtension
    final RunningGateway gw = RunningGateway.builder()
            .env("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32")
            .build();

    private static WebhookReceiver open() {
        try {
            return new WebhookReceiver(SECRET);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    /** One gateway request with the token from {@code address} (a trusted proxy names it), written to the store. */
    private void useFrom(String token, String address) {
        TestServer.Answer answer = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + token, "X-Forwarded-For", address, "User-Agent", "nightly/2"),
                null);
        assertThat(answer.status()).isEqualTo(200);
        gw.server.server().activity().flush();
    }

    @Test
    void aLaterNewAddressIsToldOnceAndTheFirstIsNot() throws Exception {
        TestServer.Answer set = gw.server.asAdmin(
                "PUT",
                "/.patgate/api/v1/notifications/targets/everyone",
                Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        // Alice's own token: creating it tells nobody.
        String token = gw.server
                .createToken("alice", RunningGateway.ALICE_PASSWORD, Map.of("name", "nightly", "scope", "read-only"))
                .get("token")
                .asText();

        useFrom(token, "192.0.2.10");
        useFrom(token, "192.0.2.10");
        assertThat(receiver.calls()).isEmpty();

        useFrom(token, "198.51.100.20");
        useFrom(token, "198.51.100.20");
        List<WebhookReceiver.Call> calls = receiver.awaitCalls(1);
        // A moment for a wrong second notice to arrive, were one sent.
        Thread.sleep(300);

        assertThat(receiver.calls()).hasSize(1);
        WebhookReceiver.Call call = calls.getFirst();
        assertThat(call.event()).isEqualTo("token.new-address");
        assertThat(call.signatureValid()).isTrue();
        assertThat(call.body())
                .contains("198.51.100.20")
                .doesNotContain("192.0.2.10")
                .doesNotContain(token);
    }
}
