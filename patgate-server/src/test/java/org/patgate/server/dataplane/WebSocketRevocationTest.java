package org.patgate.server.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.gateway.OpenUpgrades;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.WebSocketUpstream;

/**
 * An open WebSocket ends once the upgrade request that opened it would be refused: its token revoked
 * through the management API, expired, or its owner disabled. The client gets a close frame 1008
 * (policy violation) with the reason, the upstream's connection closes too, and WebSockets of other
 * tokens stay open and keep echoing. One whose token is still good stays open across many decisions.
 * One opened with a password while passwords were allowed ends once they are blocked again. Deciding
 * again counts nothing again (passwords seen outside the REST paths).
 */
@EndToEndTest
class WebSocketRevocationTest {

    private static final String API = "/.patgate/api/v1";
    private static final String DORA_PASSWORD = "dora-password-123";
    private static final WebSocketUpstream upstream = new WebSocketUpstream();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .env("PATGATE_UPSTREAM_URL", upstream.url())
            .env("PATGATE_LISTEN_DATAPLANE", "netty")
            .user("dora", DORA_PASSWORD)
            .build();

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    /** A WebSocket open through the gate, with the upgrade the upstream saw for it. */
    private record Open(WebSocket socket, WebSocketRelayTest.Received received, WebSocketUpstream.Head upgrade) {

        void echoes(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            assertThat(received.next()).isEqualTo(text);
        }

        /** The status of the close the client saw (null when the connection ended without one), waiting at most 20 s. */
        Integer closeStatus() throws Exception {
            try {
                return received.closed.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return null;
            }
        }
    }

    private static Open open(String token) throws Exception {
        return openWith("Bearer " + token);
    }

    private static Open openWith(String authorization) throws Exception {
        return openWith(authorization, "/rest/live/socket");
    }

    private static Open openWith(String authorization, String path) throws Exception {
        WebSocketRelayTest.Received received = new WebSocketRelayTest.Received();
        int before = upstream.received().size();
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .header("Authorization", authorization)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.baseUri().getPort() + path), received)
                .get(20, TimeUnit.SECONDS);
        assertThat(upstream.received()).hasSize(before + 1);
        Open open = new Open(socket, received, upstream.received().getLast());
        open.echoes("hello");
        return open;
    }

    private static JsonNode token(String name) {
        return server.createToken(
                RunningServer.ADMIN, RunningServer.ADMIN_PASSWORD, Map.of("name", name, "scope", "read-write"));
    }

    private static void revoke(JsonNode token) {
        assertThat(server.asAdmin("DELETE", API + "/tokens/" + token.get("id").asText(), null)
                        .status())
                .isEqualTo(204);
    }

    private static void assertClosedOnBothSides(Open open) throws Exception {
        assertThat(open.closeStatus()).isEqualTo(1008);
        assertThat(upstream.awaitClosed(open.upgrade(), 20)).isTrue();
    }

    private static long closedNoLongerAllowed() {
        JsonNode health = server.asAdmin("GET", "/.patgate/health", null).json();
        return health.path("dataPlane")
                .path("webSockets")
                .path("closedNoLongerAllowed")
                .asLong(-1);
    }

    @Test
    void aRevokedTokensWebSocketClosesOnBothSidesAndAnotherTokensStaysOpen() throws Exception {
        JsonNode revoked = token("revoked while open");
        JsonNode kept = token("kept open");
        Open doomed = open(revoked.get("token").asText());
        Open other = open(kept.get("token").asText());
        long closedBefore = closedNoLongerAllowed();

        revoke(revoked);

        assertClosedOnBothSides(doomed);
        other.echoes("still here");
        assertThat(other.received().closed).isNotDone();
        assertThat(closedNoLongerAllowed()).isEqualTo(closedBefore + 1);
        other.socket().sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        assertThat(other.closeStatus()).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void aWebSocketWhoseTokenStaysGoodStaysOpenAcrossManyDecisions() throws Exception {
        Open open = open(token("good for a while").get("token").asText());

        // Decisions at once (another token revoked) and on the schedule (a few periods pass).
        for (int i = 0; i < 3; i++) {
            revoke(token("revoked meanwhile " + i));
            Thread.sleep(OpenUpgrades.EVERY.toMillis());
            open.echoes("still open " + i);
        }
        assertThat(open.received().closed).isNotDone();
        open.socket().abort();
    }

    @Test
    void aWebSocketWhoseTokenExpiresClosesOnBothSides() throws Exception {
        Instant expiresAt = server.clock().instant().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);
        JsonNode token = server.createToken(
                RunningServer.ADMIN,
                RunningServer.ADMIN_PASSWORD,
                Map.of("name", "expiring", "scope", "read-write", "expiresAt", expiresAt.toString()));
        Open expiring = open(token.get("token").asText());
        Open other = open(token("outlives the other").get("token").asText());

        server.clock().set(expiresAt.plusSeconds(1));

        assertClosedOnBothSides(expiring);
        other.echoes("not expired");
        other.socket().abort();
    }

    @Test
    void aDisabledOwnersWebSocketClosesOnBothSides() throws Exception {
        JsonNode token = server.createToken("dora", DORA_PASSWORD, Map.of("name", "dora's", "scope", "read-write"));
        Open doras = open(token.get("token").asText());
        Open admins = open(token("the admin's").get("token").asText());

        assertThat(server.asAdmin("PATCH", API + "/users/dora", Map.of("enabled", false))
                        .status())
                .isEqualTo(200);

        assertClosedOnBothSides(doras);
        admins.echoes("the admin's stays");
        admins.socket().abort();
    }

    @Test
    void aPasswordWebSocketClosesOncePasswordsAreBlockedAgain() throws Exception {
        assertThat(server.asAdmin("PUT", API + "/settings", Map.of("rest", Map.of("passwordAuth", "allow")))
                        .status())
                .isEqualTo(200);
        try {
            server.createUser("erin", "erin-password-123");
            Open erins = openWith(RunningServer.basic("erin", "erin-password-123"));
            Open tokens = open(token("a token's, unaffected").get("token").asText());

            assertThat(server.asAdmin("DELETE", API + "/settings", null).status())
                    .isEqualTo(200);

            // Settings tell no cache: the scheduled decision finds it.
            assertClosedOnBothSides(erins);
            tokens.echoes("tokens still work");
            tokens.socket().abort();
        } finally {
            server.asAdmin("DELETE", API + "/settings", null);
        }
    }

    @Test
    void decidingAnOpenWebSocketAgainCountsNothingAgain() throws Exception {
        server.createUser("fay", "fay-password-123");
        long before = passwordsOutsideRestPaths();
        Open outside = openWith(RunningServer.basic("fay", "fay-password-123"), "/live/socket");
        assertThat(passwordsOutsideRestPaths()).isEqualTo(before + 1);

        for (int i = 0; i < 2; i++) {
            revoke(token("revoked to decide again " + i));
            Thread.sleep(OpenUpgrades.EVERY.toMillis());
            outside.echoes("decided again " + i);
        }

        assertThat(passwordsOutsideRestPaths()).isEqualTo(before + 1);
        outside.socket().abort();
    }

    private static long passwordsOutsideRestPaths() {
        JsonNode health = server.asAdmin("GET", "/.patgate/health", null).json();
        return health.path("gateway").path("passwordAuthOutsideRestPaths").asLong(-1);
    }
}
