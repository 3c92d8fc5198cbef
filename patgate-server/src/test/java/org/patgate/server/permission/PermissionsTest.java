package org.patgate.server.permission;

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
 * Permissions by group, end to end: defaults, narrowing, create-for-others, manage-all, use-tokens.
 * One gateway for the class: after each test the permissions are the defaults again, and a test
 * that counts a user's tokens has that user to itself.
 */
@EndToEndTest
class PermissionsTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .user("dev", PW, "developers")
            .user("maker", PW, "developers")
            .user("ops", PW, "service-managers")
            .user("auditor", PW, "token-auditors")
            .user("svc-backup", PW)
            .build();

    @AfterEach
    void restoreDefaultPermissions() {
        grant("everyone", "create-tokens", "use-tokens");
        JsonNode groups =
                gw.server.asAdmin("GET", API + "/permissions", null).json().get("groups");
        List<String> granted = new ArrayList<>();
        groups.fieldNames().forEachRemaining(granted::add);
        for (String group : granted) {
            if (!group.equals("patgate-admins")) {
                grant("groups/" + group);
            }
        }
    }

    private Answer as(String user, String method, String path, Object body) {
        return gw.server.call(method, path, user, user.equals("alice") ? RunningGateway.ALICE_PASSWORD : PW, body);
    }

    private void grant(String target, String... permissions) {
        Answer answer =
                gw.server.asAdmin("PUT", API + "/permissions/" + target, Map.of("permissions", List.of(permissions)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void byDefaultEveryUserMayUseAndCreateTokens() {
        JsonNode all = gw.server.asAdmin("GET", API + "/permissions", null).json();

        assertThat(all.get("everyone")).extracting(JsonNode::asText).containsExactly("create-tokens", "use-tokens");
        assertThat(all.get("groups").get("patgate-admins"))
                .extracting(JsonNode::asText)
                .containsExactly("admin");
        assertThat(as("dev", "POST", API + "/tokens", Map.of("name", "mine")).status())
                .isEqualTo(201);
        assertThat(as("dev", "GET", API + "/me", null).json().get("permissions"))
                .extracting(JsonNode::asText)
                .containsExactly("create-tokens", "use-tokens");
    }

    @Test
    void createTokensCanBeNarrowedToAGroup() {
        grant("everyone", "use-tokens");
        grant("groups/developers", "create-tokens");

        Answer refused = as("ops", "POST", API + "/tokens", Map.of("name", "nope"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).contains("create-tokens");
        assertThat(as("dev", "POST", API + "/tokens", Map.of("name", "yes")).status())
                .isEqualTo(201);
    }

    @Test
    void losingUseTokensStopsExistingTokensOnTheNextRequest() {
        String devToken = as("dev", "POST", API + "/tokens", Map.of("name", "dev", "scope", "read-write"))
                .json()
                .get("token")
                .asText();
        String opsToken = as("ops", "POST", API + "/tokens", Map.of("name", "ops", "scope", "read-write"))
                .json()
                .get("token")
                .asText();
        assertThat(gw.bearer("GET", "/rest/api/2/myself", opsToken).status()).isEqualTo(200);

        grant("everyone", "create-tokens");
        grant("groups/developers", "use-tokens");
        gw.upstream.clear();

        Answer ops = gw.bearer("GET", "/rest/api/2/myself", opsToken);
        assertThat(ops.status()).isEqualTo(401);
        assertThat(ops.json().get("detail").asText()).contains("may no longer use tokens");
        assertThat(gw.bearer("GET", "/rest/api/2/myself", devToken).status()).isEqualTo(200);
        assertThat(gw.upstream.received()).hasSize(1);
        JsonNode opsTokens = as("ops", "GET", API + "/tokens", null).json().get("items");
        JsonNode shown = as(
                        "ops",
                        "GET",
                        API + "/tokens/" + opsTokens.get(0).get("id").asText(),
                        null)
                .json();
        assertThat(shown.get("usable").asBoolean()).isFalse();
        assertThat(shown.get("statusReason").asText()).contains("use-tokens");
        assertThat(as("ops", "POST", API + "/tokens", Map.of("name", "pointless"))
                        .status())
                .as("a token its owner cannot use is not issued")
                .isEqualTo(403);
    }

    @Test
    void createForOthersNeedsTheGrantAndIsAuditedWithActorAndOwner() {
        Answer without = as("ops", "POST", API + "/tokens", Map.of("name", "backup", "owner", "svc-backup"));
        assertThat(without.status()).isEqualTo(403);

        grant("groups/service-managers", "create-tokens-for-others");
        Answer with = as("ops", "POST", API + "/tokens", Map.of("name", "backup", "owner", "svc-backup"));

        assertThat(with.status()).as(with.body()).isEqualTo(201);
        assertThat(with.json().get("owner").asText()).isEqualTo("svc-backup");
        assertThat(with.json().get("createdBy").asText()).isEqualTo("ops");
        JsonNode audit = gw.server
                .asAdmin("GET", API + "/audit?actor=ops&action=token.create", null)
                .json()
                .get("items");
        assertThat(audit).extracting(e -> e.get("outcome").asText()).contains("success", "failure");
        assertThat(audit).anySatisfy(e -> assertThat(e.get("detail").asText()).contains("owner=svc-backup"));
        assertThat(audit).anySatisfy(e -> assertThat(e.get("target").asText()).isEqualTo("svc-backup"));
    }

    @Test
    void manageAllTokensSeesAndRevokesEveryonesTokens() {
        String id = as("maker", "POST", API + "/tokens", Map.of("name", "maker's"))
                .json()
                .get("id")
                .asText();
        assertThat(as("auditor", "GET", API + "/tokens/" + id, null).status()).isEqualTo(404);

        grant("groups/token-auditors", "use-tokens", "manage-all-tokens");

        assertThat(as("auditor", "GET", API + "/tokens?owner=maker", null)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(as("auditor", "DELETE", API + "/tokens/" + id, null).status())
                .isEqualTo(204);
        assertThat(as("maker", "GET", API + "/tokens/" + id, null)
                        .json()
                        .get("revokedBy")
                        .asText())
                .isEqualTo("auditor");
        assertThat(as("auditor", "GET", API + "/audit", null).status())
                .as("not an admin")
                .isEqualTo(403);
    }

    @Test
    void onlyAdminsChangePermissionsAndNonsenseIsRefused() {
        int audited = permissionChangesAudited();
        assertThat(as("dev", "PUT", API + "/permissions/everyone", Map.of("permissions", List.of()))
                        .status())
                .isEqualTo(403);
        assertThat(as("dev", "GET", API + "/permissions", null).status()).isEqualTo(403);
        assertThat(gw.server
                        .asAdmin("PUT", API + "/permissions/everyone", Map.of("permissions", List.of("fly")))
                        .status())
                .isEqualTo(400);
        assertThat(gw.server
                        .asAdmin("PUT", API + "/permissions/everyone", Map.of("permissions", List.of("admin")))
                        .status())
                .isEqualTo(400);
        assertThat(gw.server
                        .asAdmin("PUT", API + "/permissions/groups/patgate-admins", Map.of("permissions", List.of()))
                        .status())
                .as("no lock-out")
                .isEqualTo(400);
        assertThat(gw.server
                        .asAdmin("PUT", API + "/permissions/groups/bad%00name", Map.of("permissions", List.of()))
                        .status())
                .isEqualTo(400);
        assertThat(permissionChangesAudited())
                .as("refused changes are not audited")
                .isEqualTo(audited);
    }

    private int permissionChangesAudited() {
        return gw.server
                .asAdmin("GET", API + "/audit?action=group.permissions", null)
                .json()
                .get("total")
                .asInt();
    }
}
