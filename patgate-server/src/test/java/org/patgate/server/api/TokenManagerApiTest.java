package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patgate.server.api.ApiErrorsTest.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier;

/** The admin token manager over the API: filters, sorting, bulk revocation and who may do what. */
@EndToEndTest
class TokenManagerApiTest {

    private static final String TOKENS = "/.patgate/api/v1/tokens";
    private static final String PASSWORD = "manager-test-password";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("carol", PASSWORD)
            .user("dan", PASSWORD)
            .user("helpdesk", PASSWORD, "helpdesk")
            .build();

    @BeforeAll
    static void start() {
        assertThat(server.asAdmin(
                                "PUT",
                                "/.patgate/api/v1/permissions/groups/helpdesk",
                                Map.of("permissions", List.of("manage-all-tokens")))
                        .status())
                .isEqualTo(200);
    }

    private static Answer as(String user, String method, String path, Object body) {
        return server.call(method, path, user, PASSWORD, body);
    }

    private static JsonNode create(String owner, String name, String scope, Integer days) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "owner", owner, "scope", scope));
        if (days != null) {
            body.put("expiresInDays", days);
        }
        Answer created = server.asAdmin("POST", TOKENS, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static List<String> names(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        answer.json().get("items").forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    @Test
    void adminsFilterEveryonesTokensAndUsersOnlyTheirOwn() {
        create("carol", "tm-carol-ro", "read-only", 3);
        create("carol", "tm-carol-rw", "read-write", 300);
        create("dan", "tm-dan-ro", "read-only", null);
        String soon = Instant.now().plus(Duration.ofDays(10)).toString();

        assertThat(names(server.asAdmin("GET", TOKENS + "?q=tm-&scope=read-only&sort=name", null)))
                .containsExactly("tm-carol-ro", "tm-dan-ro");
        assertThat(names(server.asAdmin("GET", TOKENS + "?q=tm-&expiresBefore=" + soon, null)))
                .containsExactly("tm-carol-ro");
        assertThat(names(server.asAdmin("GET", TOKENS + "?q=tm-&sort=-expires", null)))
                .containsExactly("tm-dan-ro", "tm-carol-rw", "tm-carol-ro");
        assertThat(names(as("helpdesk", "GET", TOKENS + "?q=tm-&owner=dan", null)))
                .containsExactly("tm-dan-ro");
        assertThat(names(as("dan", "GET", TOKENS + "?q=tm-", null)))
                .as("non-admins see their own")
                .containsExactly("tm-dan-ro");
        assertProblem(as("dan", "GET", TOKENS + "?owner=carol", null), 403, "manage-all-tokens");
    }

    @Test
    void staleTokensIncludeNeverUsedOnesCreatedBeforeTheCut() {
        JsonNode stale = create("dan", "st-never-used", "read-only", null);
        JsonNode used = create("dan", "st-used", "read-only", null);
        server.server()
                .database()
                .tokens()
                .recordUses(List.of(new org.patgate.server.store.TokenUse(
                        used.get("id").asText(), Instant.now().plusSeconds(5), "192.0.2.1", "test")));
        String cut = Instant.now().plusSeconds(2).toString();

        assertThat(names(server.asAdmin("GET", TOKENS + "?q=st-&lastUsedBefore=" + cut, null)))
                .containsExactly(stale.get("name").asText());
    }

    @Test
    void badFiltersAreNamedInOneAnswer() {
        Answer answer = server.asAdmin("GET", TOKENS + "?scope=admin&sort=colour&lastUsedBefore=yesterday", null);

        assertProblem(answer, 400, "scope");
        assertThat(answer.json().get("errors").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("scope", "sort", "lastUsedBefore");
    }

    @Test
    void bulkRevocationByOwnerStopsEveryTokenOfThatUserAndIsAuditedPerToken() {
        server.createUser("leaver", PASSWORD);
        JsonNode first = create("leaver", "leaver-1", "read-only", null);
        JsonNode second = create("leaver", "leaver-2", "read-write", null);
        JsonNode other = create("dan", "not-the-leaver", "read-only", null);
        assertThat(verify(first)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        Answer revoked = as("helpdesk", "POST", TOKENS + "/revoke", Map.of("owner", "leaver"));

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("revoked").asInt()).isEqualTo(2);
        assertThat(verify(first)).isNotInstanceOf(TokenVerifier.Verification.Valid.class);
        assertThat(verify(second)).isNotInstanceOf(TokenVerifier.Verification.Valid.class);
        assertThat(verify(other)).isInstanceOf(TokenVerifier.Verification.Valid.class);
        JsonNode audit = server.asAdmin("GET", "/.patgate/api/v1/audit?actor=helpdesk&action=token.revoke", null)
                .json();
        assertThat(audit.get("total").asInt()).isEqualTo(2);
        assertThat(audit.get("items").get(0).get("detail").asText()).contains("owner=leaver");

        Answer again = as("helpdesk", "POST", TOKENS + "/revoke", Map.of("owner", "leaver"));
        assertThat(again.json().get("revoked").asInt())
                .as("already revoked ones are not counted")
                .isZero();
    }

    @Test
    void bulkRevocationByIdsTouchesOnlyTokensTheCallerMayManage() {
        JsonNode carols = create("carol", "ids-carol", "read-only", null);
        JsonNode dans = create("dan", "ids-dan", "read-only", null);

        Answer refused = as(
                "dan",
                "POST",
                TOKENS + "/revoke",
                Map.of("ids", List.of(dans.get("id").asText(), carols.get("id").asText())));

        assertProblem(refused, 404, carols.get("id").asText());
        assertThat(verify(dans))
                .as("nothing is revoked when one id is not yours")
                .isInstanceOf(TokenVerifier.Verification.Valid.class);
        Answer own = as(
                "dan",
                "POST",
                TOKENS + "/revoke",
                Map.of("ids", List.of(dans.get("id").asText())));
        assertThat(own.json().get("ids"))
                .extracting(JsonNode::asText)
                .containsExactly(dans.get("id").asText());
        assertProblem(as("dan", "POST", TOKENS + "/revoke", Map.of("owner", "carol")), 403, "manage-all-tokens");
    }

    @Test
    void bulkRevocationRefusesVagueOrMixedRequests() {
        assertProblem(server.asAdmin("POST", TOKENS + "/revoke", Map.of()), 400, "at least one filter");
        assertProblem(server.asAdmin("POST", TOKENS + "/revoke", Map.of("ids", List.of())), 400, "ids");
        assertProblem(
                server.asAdmin("POST", TOKENS + "/revoke", Map.of("ids", List.of("x"), "owner", "dan")),
                400,
                "not both");
        assertProblem(
                server.asAdmin("POST", TOKENS + "/revoke", Map.of("lastUsedBefore", "last week")),
                400,
                "lastUsedBefore");
        assertProblem(server.asAdmin("POST", TOKENS + "/revoke", Map.of("everything", true)), 400, "everything");
        Answer wrongMethod = server.asAdmin("GET", TOKENS + "/revoke", null);
        assertProblem(wrongMethod, 405, "POST");
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    }

    private static TokenVerifier.Verification verify(JsonNode created) {
        return server.server().verifier().verify(created.get("token").asText());
    }
}
