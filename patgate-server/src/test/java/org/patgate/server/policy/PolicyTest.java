package org.patgate.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Token policies by group, over the real API and gateway; every refusal names its limit and group.
 * One gateway for the class: after each test no policy and no active token of its users is left.
 */
@EndToEndTest
class PolicyTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .user("carl", PW, "contractors")
            .user("ivy", PW, "interns")
            .user("both", PW, "contractors", "short-lived")
            .build();

    @AfterEach
    void withdrawPoliciesAndTokens() {
        JsonNode policies = gw.server.asAdmin("GET", API + "/policies", null).json();
        List<String> targets = new ArrayList<>();
        if (!policies.get("everyone").isNull()) {
            targets.add("everyone");
        }
        policies.get("groups").fieldNames().forEachRemaining(group -> targets.add("groups/" + group));
        for (String target : targets) {
            assertThat(gw.server
                            .asAdmin("DELETE", API + "/policies/" + target, null)
                            .status())
                    .isEqualTo(204);
        }
        for (String owner : List.of("carl", "ivy", "both")) {
            JsonNode active = gw.server
                    .asAdmin("GET", API + "/tokens?status=active&owner=" + owner, null)
                    .json();
            for (JsonNode token : active.get("items")) {
                assertThat(gw.server
                                .asAdmin(
                                        "DELETE",
                                        API + "/tokens/" + token.get("id").asText(),
                                        null)
                                .status())
                        .isEqualTo(204);
            }
        }
    }

    private Answer as(String user, String method, String path, Object body) {
        return gw.server.call(method, path, user, PW, body);
    }

    private void policy(String target, Map<String, Object> policy) {
        Answer answer = gw.server.asAdmin("PUT", API + "/policies/" + target, policy);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    private static void assertProblem(Answer answer, int status, String... mentions) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("detail").asText()).contains(mentions);
    }

    @Test
    void overLongExpiryIsRefusedNamingTheLimit() {
        policy("groups/contractors", Map.of("maxLifetimeDays", 90));

        assertProblem(
                as("carl", "POST", API + "/tokens", Map.of("name", "x", "expiresInDays", 91)),
                400,
                "90 days",
                "contractors");
        assertProblem(as("carl", "POST", API + "/tokens", Map.of("name", "x")), 400, "required", "90 days");
        assertThat(as("carl", "POST", API + "/tokens", Map.of("name", "x", "expiresInDays", 90))
                        .status())
                .isEqualTo(201);
        assertThat(as("ivy", "POST", API + "/tokens", Map.of("name", "no limit for interns"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void theMostRestrictivePolicyWinsAcrossGroups() {
        policy("groups/contractors", Map.of("maxLifetimeDays", 90));
        policy("groups/short-lived", Map.of("maxLifetimeDays", 30));

        assertProblem(
                as("both", "POST", API + "/tokens", Map.of("name", "x", "expiresInDays", 31)),
                400,
                "30 days",
                "short-lived");
        assertThat(as("both", "POST", API + "/tokens", Map.of("name", "x", "expiresInDays", 30))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void theNPlusFirstActiveTokenIsRefused() {
        policy("everyone", Map.of("maxActiveTokens", 2));
        String first = as("carl", "POST", API + "/tokens", Map.of("name", "1"))
                .json()
                .get("id")
                .asText();
        assertThat(as("carl", "POST", API + "/tokens", Map.of("name", "2")).status())
                .isEqualTo(201);

        assertProblem(as("carl", "POST", API + "/tokens", Map.of("name", "3")), 409, "at most 2", "everyone");

        as("carl", "DELETE", API + "/tokens/" + first, null);
        assertThat(as("carl", "POST", API + "/tokens", Map.of("name", "3")).status())
                .isEqualTo(201);
    }

    @Test
    void scopesAndIpRangesAreEnforced() {
        policy(
                "groups/contractors",
                Map.of("allowedScopes", List.of("read-only"), "requiredIpRanges", List.of("10.0.0.0/8")));

        assertProblem(
                as("carl", "POST", API + "/tokens", Map.of("name", "x", "scope", "read-write")),
                400,
                "read-write",
                "contractors");
        assertProblem(
                as("carl", "POST", API + "/tokens", Map.of("name", "x", "allowedIps", List.of("192.0.2.0/24"))),
                400,
                "192.0.2.0/24",
                "10.0.0.0/8");
        assertProblem(
                as("carl", "POST", API + "/tokens", Map.of("name", "x", "allowedIps", List.of("0.0.0.0/0"))),
                400,
                "outside");
        Answer filled = as("carl", "POST", API + "/tokens", Map.of("name", "x"));
        assertThat(filled.status()).isEqualTo(201);
        assertThat(filled.json().get("allowedIps")).extracting(JsonNode::asText).containsExactly("10.0.0.0/8");
        assertThat(gw.bearer(
                                "GET",
                                "/rest/api/2/myself",
                                filled.json().get("token").asText())
                        .status())
                .as("the test client is on 127.0.0.1, outside 10.0.0.0/8")
                .isEqualTo(403);
        Answer narrower =
                as("carl", "POST", API + "/tokens", Map.of("name", "x", "allowedIps", List.of("10.1.0.0/16")));
        assertThat(narrower.status()).isEqualTo(201);
    }

    @Test
    void pendingTokensWaitForApprovalAndDeniedOnesNeverWork() {
        policy("groups/interns", Map.of("approvalRequired", true));
        JsonNode first = as("ivy", "POST", API + "/tokens", Map.of("name", "etl", "scope", "read-write"))
                .json();
        JsonNode second = as("ivy", "POST", API + "/tokens", Map.of("name", "other", "scope", "read-write"))
                .json();
        assertThat(first.get("status").asText()).isEqualTo("pending");

        Answer waiting =
                gw.bearer("GET", "/rest/api/2/myself", first.get("token").asText());
        assertProblem(waiting, 401, "approval");
        JsonNode queue = gw.server.asAdmin("GET", API + "/approvals", null).json();
        assertThat(queue.get("items"))
                .extracting(t -> t.get("id").asText())
                .contains(first.get("id").asText(), second.get("id").asText());
        assertThat(as("ivy", "POST", API + "/tokens/" + first.get("id").asText() + "/approve", null)
                        .status())
                .as("interns cannot approve their own tokens")
                .isEqualTo(403);

        Answer approved =
                gw.server.asAdmin("POST", API + "/tokens/" + first.get("id").asText() + "/approve", null);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(gw.bearer("GET", "/rest/api/2/myself", first.get("token").asText())
                        .status())
                .isEqualTo(200);

        assertProblem(
                gw.server.asAdmin("POST", API + "/tokens/" + second.get("id").asText() + "/deny", Map.of()),
                400,
                "reason");
        Answer denied = gw.server.asAdmin(
                "POST",
                API + "/tokens/" + second.get("id").asText() + "/deny",
                Map.of("reason", "use the shared ETL token instead"));
        assertThat(denied.status()).isEqualTo(200);
        assertProblem(gw.bearer("GET", "/rest/api/2/myself", second.get("token").asText()), 401, "denied");
        assertProblem(
                gw.server.asAdmin("POST", API + "/tokens/" + second.get("id").asText() + "/approve", null),
                409,
                "not pending");
        JsonNode detail = as("ivy", "GET", API + "/tokens/" + second.get("id").asText(), null)
                .json();
        assertThat(detail.get("status").asText()).isEqualTo("denied");
        assertThat(detail.get("decision").get("reason").asText()).isEqualTo("use the shared ETL token instead");
        assertThat(detail.get("decision").get("decidedBy").asText()).isEqualTo("admin");
        JsonNode audit =
                gw.server.asAdmin("GET", API + "/audit?action=token.deny", null).json();
        assertThat(audit.get("total").asInt()).isEqualTo(1);
    }

    @Test
    void policiesAreAdminOnlyValidatedAndDeletable() {
        assertThat(as("carl", "PUT", API + "/policies/everyone", Map.of("maxActiveTokens", 1))
                        .status())
                .isEqualTo(403);
        assertProblem(
                gw.server.asAdmin("PUT", API + "/policies/everyone", Map.of("maxLifetimeDays", 0)),
                400,
                "maxLifetimeDays");
        assertProblem(
                gw.server.asAdmin(
                        "PUT", API + "/policies/everyone", Map.of("requiredIpRanges", List.of("10.0.0.0/33"))),
                400,
                "requiredIpRanges");
        assertProblem(
                gw.server.asAdmin("PUT", API + "/policies/everyone", Map.of("allowedScopes", List.of("root"))),
                400,
                "allowedScopes");
        policy("groups/contractors", Map.of("maxLifetimeDays", 7));
        assertThat(gw.server
                        .asAdmin("GET", API + "/policies", null)
                        .json()
                        .get("groups")
                        .get("contractors")
                        .get("maxLifetimeDays")
                        .asInt())
                .isEqualTo(7);
        assertThat(gw.server
                        .asAdmin("DELETE", API + "/policies/groups/contractors", null)
                        .status())
                .isEqualTo(204);
        assertThat(gw.server
                        .asAdmin("GET", API + "/policies/groups/contractors", null)
                        .status())
                .isEqualTo(404);
        assertThat(as("carl", "POST", API + "/tokens", Map.of("name", "free again"))
                        .status())
                .isEqualTo(201);
    }
}
