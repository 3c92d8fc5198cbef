package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patgate.server.api.ApiErrorsTest.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier;

/** The local directory over the API: change, delete, own password, groups, audit filters and CSV export. */
@EndToEndTest
class UserManagementApiTest {

    private static final String API = "/.patgate/api/v1";
    private static final String PASSWORD = "user-test-password-1";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder().build();

    private static String tokenOf(String user) {
        Answer created = server.call("POST", API + "/tokens", user, PASSWORD, Map.of("name", "t"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    @Test
    void adminsChangeProfileGroupsAndPassword() {
        server.createUser("fay", PASSWORD, "old-group");

        Answer changed = server.asAdmin(
                "PATCH",
                API + "/users/fay",
                Map.of(
                        "displayName",
                        "Fay F.",
                        "email",
                        "fay@example.org",
                        "groups",
                        List.of("new-group", "Second"),
                        "password",
                        "a-new-password-99"));

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        JsonNode user = changed.json();
        assertThat(user.get("displayName").asText()).isEqualTo("Fay F.");
        assertThat(user.get("email").asText()).isEqualTo("fay@example.org");
        assertThat(user.get("groups")).extracting(JsonNode::asText).containsExactly("new-group", "Second");
        assertThat(server.call("GET", API + "/me", "fay", PASSWORD, null).status())
                .isEqualTo(401);
        assertThat(server.call("GET", API + "/me", "fay", "a-new-password-99", null)
                        .status())
                .isEqualTo(200);
        Answer cleared = server.asAdmin("PATCH", API + "/users/fay", Map.of("email", "", "displayName", ""));
        assertThat(cleared.json().get("email").isNull()).isTrue();
        assertThat(cleared.json().get("displayName").asText()).isEqualTo("fay");
        JsonNode audit = server.asAdmin("GET", API + "/audit?action=user.update&target=fay", null)
                .json();
        assertThat(audit.get("items").get(1).get("detail").asText())
                .contains("displayName", "groups=new-group,Second", "password")
                .doesNotContain("a-new-password-99");
    }

    @Test
    void changingGroupsReachesTheUsersTokensAtOnce() {
        server.createUser("gil", PASSWORD, "contractors");
        assertThat(server.asAdmin("PUT", API + "/permissions/everyone", Map.of("permissions", List.of("create-tokens")))
                        .status())
                .isEqualTo(200);
        try {
            assertThat(server.asAdmin(
                                    "PUT",
                                    API + "/permissions/groups/contractors",
                                    Map.of("permissions", List.of("use-tokens")))
                            .status())
                    .isEqualTo(200);
            String token = tokenOf("gil");
            assertThat(server.server().verifier().verify(token)).isInstanceOf(TokenVerifier.Verification.Valid.class);

            server.asAdmin("PATCH", API + "/users/gil", Map.of("groups", List.of()));

            assertThat(server.server().verifier().verify(token)).isInstanceOf(TokenVerifier.Verification.Refused.class);
        } finally {
            server.asAdmin(
                    "PUT",
                    API + "/permissions/everyone",
                    Map.of("permissions", List.of("use-tokens", "create-tokens")));
        }
    }

    @Test
    void badChangesAreRefusedBeforeAnythingChanges() {
        server.createUser("hal", PASSWORD);

        Answer bad = server.asAdmin(
                "PATCH", API + "/users/hal", Map.of("displayName", "ok", "email", "nope", "password", "short"));

        assertProblem(bad, 400, "email");
        assertThat(bad.json().get("errors").fieldNames()).toIterable().containsExactlyInAnyOrder("email", "password");
        assertThat(server.asAdmin("GET", API + "/users/hal", null)
                        .json()
                        .get("displayName")
                        .asText())
                .isNotEqualTo("ok");
        assertProblem(
                server.asAdmin("PATCH", API + "/users/admin", Map.of("groups", List.of("x"))), 409, "admin group");
        assertProblem(
                server.call("PATCH", API + "/users/hal", "hal", PASSWORD, Map.of("displayName", "me")),
                403,
                "administrators");
        assertProblem(server.asAdmin("PATCH", API + "/users/nobody-at-all", Map.of("enabled", true)), 404, "nobody");
    }

    @Test
    void usersChangeTheirOwnPasswordWithTheCurrentOne() {
        server.createUser("ida", PASSWORD);

        Answer wrong = server.call(
                "POST",
                API + "/me/password",
                "ida",
                PASSWORD,
                Map.of("currentPassword", "not-the-password", "newPassword", "ida-new-password-1"));
        assertProblem(wrong, 400, "currentPassword");

        Answer changed = server.call(
                "POST",
                API + "/me/password",
                "ida",
                PASSWORD,
                Map.of("currentPassword", PASSWORD, "newPassword", "ida-new-password-1"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(204);
        assertThat(server.call("GET", API + "/me", "ida", "ida-new-password-1", null)
                        .status())
                .isEqualTo(200);
        assertProblem(
                server.call(
                        "POST",
                        API + "/me/password",
                        "ida",
                        "ida-new-password-1",
                        Map.of("currentPassword", "ida-new-password-1", "newPassword", "short")),
                400,
                "newPassword");
    }

    @Test
    void wrongCurrentPasswordsCountAsFailedLoginsSoGuessingIsThrottled(@TempDir Path own) {
        try (TestServer throttled = TestServer.h2(own)) {
            throttled.createUser("kim", PASSWORD);
            for (int i = 0; i < 10; i++) {
                assertProblem(
                        throttled.call(
                                "POST",
                                API + "/me/password",
                                "kim",
                                PASSWORD,
                                Map.of("currentPassword", "guess-" + i, "newPassword", "kim-new-password-1")),
                        400,
                        "currentPassword");
            }

            Answer right = throttled.call(
                    "POST",
                    API + "/me/password",
                    "kim",
                    PASSWORD,
                    Map.of("currentPassword", PASSWORD, "newPassword", "kim-new-password-1"));

            assertThat(right.status()).as(right.body()).isEqualTo(429);
            assertThat(right.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void deletingAUserStopsTheirTokensAndKeepsUsersOthersDependOn() {
        server.createUser("jan", PASSWORD);
        String token = tokenOf("jan");
        assertThat(server.server().verifier().verify(token)).isInstanceOf(TokenVerifier.Verification.Valid.class);

        assertThat(server.asAdmin("DELETE", API + "/users/jan", null).status()).isEqualTo(204);

        assertThat(server.server().verifier().verify(token)).isInstanceOf(TokenVerifier.Verification.Refused.class);
        assertProblem(server.asAdmin("GET", API + "/users/jan", null), 404, "jan");
        assertProblem(server.asAdmin("DELETE", API + "/users/jan", null), 404, "jan");
        assertProblem(server.asAdmin("DELETE", API + "/users/admin", null), 409, "your own");
        server.createUser("kim", PASSWORD);
        server.asAdmin("POST", API + "/tokens", Map.of("name", "for kim", "owner", "kim"));
        server.createUser("lee", PASSWORD, "patgate-admins");
        server.call("POST", API + "/tokens", "lee", PASSWORD, Map.of("name", "for kim", "owner", "kim"));
        assertProblem(server.asAdmin("DELETE", API + "/users/lee", null), 409, "disable");
        assertThat(server.asAdmin("GET", API + "/audit?action=user.delete&target=jan", null)
                        .json()
                        .get("items")
                        .get(0)
                        .get("detail")
                        .asText())
                .isEqualTo("tokens deleted=1");
    }

    @Test
    void groupsAreListedWithMemberCountsForAdmins() {
        server.createUser("mo", PASSWORD, "g-counted");
        server.createUser("ned", PASSWORD, "g-counted");

        JsonNode groups = server.asAdmin("GET", API + "/groups", null).json();

        assertThat(groups.get("items")).anySatisfy(group -> {
            assertThat(group.get("name").asText()).isEqualTo("g-counted");
            assertThat(group.get("members").asInt()).isEqualTo(2);
        });
        assertProblem(server.call("GET", API + "/groups", "mo", PASSWORD, null), 403, "administrators");
    }

    @Test
    void theAuditTrailExportsAsSpreadsheetSafeCsv() {
        server.createUser("oz", PASSWORD);
        server.call("POST", API + "/tokens", "oz", PASSWORD, Map.of("name", "=cmd|' /C calc'!A0, \"quoted\""));

        Answer csv = server.asAdmin("GET", API + "/audit.csv?actor=oz", null);

        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("content-disposition"))
                .hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("id,occurredAt,actor,action,target,sourceIp,outcome,detail");
        assertThat(csv.body())
                .contains("\r\n")
                .contains(",oz,token.create,")
                .contains("name==cmd|' /C calc'!A0, \"\"quoted\"\"\"");
        assertThat(lines).hasSize(2);
        server.call("GET", API + "/me", "=1+2", "wrong-password", null);
        Answer logins = server.asAdmin("GET", API + "/audit.csv?action=auth.login", null);
        assertThat(logins.body())
                .as("a cell starting with = is never a formula")
                .contains(",'=1+2,auth.login,")
                .doesNotContain(",=1+2,");
        assertProblem(server.call("GET", API + "/audit.csv", "oz", PASSWORD, null), 403, "administrators");
        assertProblem(server.asAdmin("GET", API + "/audit.csv?from=soon", null), 400, "from");
    }
}
