package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * What {@code GET /tokens/{id}} says about a token is what the gateway does with it: {@code usable}
 * is true exactly when the gateway accepts the token (a request it then forbids is a 403, not a 401),
 * and {@code statusReason} names the true reason for each token that does not work.
 */
@EndToEndTest
class TokenStatusTruthTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";
    /** Only members of this group may use tokens; removing a user from it takes use-tokens away. */
    static final String TOKEN_USERS = "token-users";

    static final AtomicInteger USERS = new AtomicInteger();

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @BeforeAll
    static void start() throws Exception {
        grant("everyone", "create-tokens");
        grant("groups/" + TOKEN_USERS, "use-tokens", "create-tokens");
        policy(Map.of());
    }

    /** A token in a given state, and what PATgate must say about it and do with it. */
    enum Case {
        WORKING(true, null, 200),
        WORKING_READ_ONLY(true, null, 200),
        ROTATED(true, null, 200),
        IP_BOUND_ELSEWHERE(true, null, 403),
        REVOKED(false, "revoked by admin", 401),
        EXPIRED(false, "expired at", 401),
        PENDING(false, "waiting for an administrator's approval", 401),
        APPROVED(true, null, 200),
        DENIED(false, "denied by admin: not needed", 401),
        OWNER_DISABLED(false, "its owner is disabled", 401),
        OWNER_LACKS_USE_TOKENS(false, "its owner no longer holds the use-tokens permission", 401),
        OWNER_BACK_IN_GROUP(true, null, 200);

        final boolean usable;
        final String reason;
        final int gateway;

        Case(boolean usable, String reason, int gateway) {
            this.usable = usable;
            this.reason = reason;
            this.gateway = gateway;
        }
    }

    record Made(String id, String secret) {}

    @ParameterizedTest
    @EnumSource(Case.class)
    void theTokenViewAndTheGatewayAgree(Case c) {
        String owner = "owner" + USERS.incrementAndGet();
        gw.server.createUser(owner, PW, TOKEN_USERS);
        Made token = make(c, owner);

        Answer gateway = gw.bearer("GET", "/rest/api/2/myself", token.secret());
        JsonNode view = view(token.id());

        assertThat(gateway.status()).as("gateway: " + gateway.body()).isEqualTo(c.gateway);
        assertThat(view.get("usable").asBoolean()).as(view.toString()).isEqualTo(c.usable);
        assertThat(view.get("usable").asBoolean())
                .as("usable exactly when the gateway accepts the token")
                .isEqualTo(gateway.status() != 401);
        if (c.usable) {
            assertThat(view.get("statusReason").isNull()).as(view.toString()).isTrue();
        } else {
            assertThat(view.get("statusReason").asText()).contains(c.reason);
        }
        JsonNode listed = list(owner);
        assertThat(listed.get("status").asText())
                .as("the list agrees with the detail")
                .isEqualTo(view.get("status").asText());
    }

    @Test
    void aDeletedOwnersTokenIsGoneFromTheApiAndRefusedByTheGateway() {
        gw.server.createUser("leaver", PW, TOKEN_USERS);
        Made token = create("leaver", Map.of());
        assertThat(gw.bearer("GET", "/rest/api/2/myself", token.secret()).status())
                .isEqualTo(200);

        assertThat(gw.server.asAdmin("DELETE", API + "/users/leaver", null).status())
                .isEqualTo(204);

        assertThat(gw.server.asAdmin("GET", API + "/tokens/" + token.id(), null).status())
                .isEqualTo(404);
        assertThat(gw.bearer("GET", "/rest/api/2/myself", token.secret()).status())
                .isEqualTo(401);
    }

    private static Made make(Case c, String owner) {
        return switch (c) {
            case WORKING -> create(owner, Map.of());
            case WORKING_READ_ONLY -> create(owner, Map.of("scope", "read-only"));
            case ROTATED -> {
                Made made = create(owner, Map.of());
                Answer rotated = as(owner, "POST", API + "/tokens/" + made.id() + "/rotate", null);
                assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
                assertThat(gw.bearer("GET", "/rest/api/2/myself", made.secret()).status())
                        .isEqualTo(401);
                yield new Made(made.id(), rotated.json().get("token").asText());
            }
            case IP_BOUND_ELSEWHERE -> create(owner, Map.of("allowedIps", List.of("192.0.2.0/24")));
            case REVOKED -> {
                Made made = create(owner, Map.of());
                assertThat(gw.server
                                .asAdmin("DELETE", API + "/tokens/" + made.id(), null)
                                .status())
                        .isEqualTo(204);
                yield made;
            }
            case EXPIRED -> {
                Made made = create(owner, Map.of("expiresInDays", 1));
                // Only this case's token expires; the others never do.
                gw.server.clock().advance(Duration.ofDays(2));
                yield made;
            }
            case PENDING, APPROVED, DENIED -> {
                policy(Map.of("approvalRequired", true));
                Made made;
                try {
                    made = create(owner, Map.of());
                } finally {
                    policy(Map.of());
                }
                if (c == Case.APPROVED) {
                    assertThat(gw.server
                                    .asAdmin("POST", API + "/tokens/" + made.id() + "/approve", null)
                                    .status())
                            .isEqualTo(200);
                } else if (c == Case.DENIED) {
                    assertThat(gw.server
                                    .asAdmin(
                                            "POST",
                                            API + "/tokens/" + made.id() + "/deny",
                                            Map.of("reason", "not needed"))
                                    .status())
                            .isEqualTo(200);
                }
                yield made;
            }
            case OWNER_DISABLED -> {
                Made made = create(owner, Map.of());
                assertThat(gw.server
                                .asAdmin("PATCH", API + "/users/" + owner, Map.of("enabled", false))
                                .status())
                        .isEqualTo(200);
                yield made;
            }
            case OWNER_LACKS_USE_TOKENS, OWNER_BACK_IN_GROUP -> {
                Made made = create(owner, Map.of());
                assertThat(gw.bearer("GET", "/rest/api/2/myself", made.secret()).status())
                        .isEqualTo(200);
                setGroups(owner, List.of());
                if (c == Case.OWNER_BACK_IN_GROUP) {
                    assertThat(gw.bearer("GET", "/rest/api/2/myself", made.secret())
                                    .status())
                            .isEqualTo(401);
                    setGroups(owner, List.of(TOKEN_USERS));
                }
                yield made;
            }
        };
    }

    private static Made create(String owner, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "t", "scope", "read-write"));
        body.putAll(settings);
        Answer created = as(owner, "POST", API + "/tokens", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Made(
                created.json().get("id").asText(), created.json().get("token").asText());
    }

    private static JsonNode view(String id) {
        Answer answer = gw.server.asAdmin("GET", API + "/tokens/" + id, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode list(String owner) {
        Answer answer = gw.server.asAdmin("GET", API + "/tokens?owner=" + owner, null);
        assertThat(answer.json().get("items")).hasSize(1);
        return answer.json().get("items").get(0);
    }

    private static void setGroups(String user, List<String> groups) {
        Answer answer = gw.server.asAdmin("PATCH", API + "/users/" + user, Map.of("groups", groups));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    private static Answer as(String user, String method, String path, Object body) {
        return gw.server.call(method, path, user, PW, body);
    }

    private static void grant(String target, String... permissions) {
        Answer answer =
                gw.server.asAdmin("PUT", API + "/permissions/" + target, Map.of("permissions", List.of(permissions)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    private static void policy(Map<String, Object> policy) {
        Answer answer = gw.server.asAdmin("PUT", API + "/policies/everyone", policy);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
