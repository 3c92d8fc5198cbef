package org.patgate.server.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * {@code GET|PUT|DELETE /settings} against a real node in front of a recording upstream: each change
 * applies to the very next gateway request, invalid input changes nothing, only admins may change,
 * every change is audited, survives a restart and reaches a second node on the same database.
 * Tests that need no configuration of their own share one gateway; after each the stored settings
 * are removed, so the next starts from the configuration.
 */
@EndToEndTest
class SettingsApiTest {

    static final String SETTINGS = "/.patgate/api/v1/settings";
    static final String ALICE_BASIC = TestServer.basic("alice", RunningGateway.ALICE_PASSWORD);

    @RegisterExtension
    static final RunningGateway shared = RunningGateway.builder().build();

    @TempDir
    Path dir;

    @AfterEach
    void resetToTheConfiguration() {
        Answer reset = shared.server.asAdmin("DELETE", SETTINGS, null);
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    }

    private static Answer put(RunningGateway gateway, Map<String, Object> rest) {
        Answer answer = gateway.server.asAdmin("PUT", SETTINGS, Map.of("rest", rest));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    private static Answer password(RunningGateway gateway, String path) {
        return gateway.send("GET", path, Map.of("Authorization", ALICE_BASIC), null);
    }

    @Test
    void allowingPasswordsLetsTheNextPasswordRequestThroughAndBlockingRefusesItAgain() throws Exception {
        RunningGateway gateway = shared;
        assertThat(password(gateway, "/rest/api/2/myself").status())
                .as("configuration: block")
                .isEqualTo(401);

        put(gateway, Map.of("passwordAuth", "allow"));
        assertThat(password(gateway, "/rest/api/2/myself").status()).isEqualTo(200);
        assertThat(gateway.upstream.last().path()).isEqualTo("/rest/api/2/myself");
        assertThat(gateway.upstream.last().header("Authorization")).containsExactly(ALICE_BASIC);

        gateway.upstream.clear();
        put(gateway, Map.of("passwordAuth", "block"));
        Answer refused = password(gateway, "/rest/api/2/myself");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("password authentication is disabled");
        assertThat(gateway.upstream.received()).isEmpty();
    }

    @Test
    void changingTheRestPathsMovesWhereTokensAreEnforced() throws Exception {
        RunningGateway gateway = shared;
        assertThat(gateway.send("GET", "/rest/api/2/myself", Map.of(), null).status())
                .isEqualTo(401);
        assertThat(gateway.send("GET", "/api/v4/projects", Map.of(), null).status())
                .isEqualTo(200);

        put(gateway, Map.of("paths", List.of("/api/**")));

        assertThat(gateway.send("GET", "/api/v4/projects", Map.of(), null).status())
                .as("now enforced")
                .isEqualTo(401);
        assertThat(password(gateway, "/api/v4/projects").status())
                .as("passwords refused there")
                .isEqualTo(401);
        assertThat(gateway.send("GET", "/rest/api/2/myself", Map.of(), null).status())
                .as("no longer")
                .isEqualTo(200);
        assertThat(gateway.bearer("GET", "/api/v4/projects", gateway.readOnly()).status())
                .isEqualTo(200);
    }

    @Test
    void theReadOnlyPostAllowlistDecidesAReadOnlyTokensPost() throws Exception {
        RunningGateway gateway = shared;
        Map<String, String> bearer =
                Map.of("Authorization", "Bearer " + gateway.readOnly(), "Content-Type", "application/json");
        assertThat(gateway.send("POST", "/rest/reports/query", bearer, "{}").status())
                .isEqualTo(403);

        put(gateway, Map.of("readOnlyPosts", List.of("/rest/reports/query")));
        assertThat(gateway.send("POST", "/rest/reports/query", bearer, "{}").status())
                .isEqualTo(200);
        assertThat(gateway.send("POST", "/rest/api/2/search", bearer, "{}").status())
                .as("the stored list replaces the configured one")
                .isEqualTo(403);

        put(gateway, Map.of("readOnlyPosts", List.of()));
        assertThat(gateway.send("POST", "/rest/reports/query", bearer, "{}").status())
                .isEqualTo(403);
    }

    @Test
    void allowedIpsRefuseTheNextRequestFromLoopbackButNeverLockOutTheManagementApi() throws Exception {
        RunningGateway gateway = shared;
        assertThat(gateway.bearer("GET", "/rest/api/2/myself", gateway.readWrite())
                        .status())
                .isEqualTo(200);

        put(gateway, Map.of("allowedIps", List.of("10.0.0.0/8")));
        Answer refused = gateway.bearer("GET", "/rest/api/2/myself", gateway.readWrite());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("may not be used from your address");

        put(gateway, Map.of("allowedIps", List.of("10.0.0.0/8", "127.0.0.0/8")));
        assertThat(gateway.bearer("GET", "/rest/api/2/myself", gateway.readWrite())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void invalidSettingsAreRefusedWithEveryFieldNamedAndNothingChanges() throws Exception {
        RunningGateway gateway = shared;
        put(gateway, Map.of("passwordAuth", "allow"));
        String before = gateway.server.asAdmin("GET", SETTINGS, null).body();

        Answer bad = gateway.server.asAdmin(
                "PUT",
                SETTINGS,
                Map.of(
                        "rest",
                        Map.of(
                                "passwordAuth",
                                "block",
                                "paths",
                                List.of("/rest/**", "api/**"),
                                "allowedIps",
                                List.of("10.0.0.1/8"),
                                "anonymous",
                                "maybe")));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).isEqualTo("application/problem+json");
        JsonNode errors = bad.json().get("errors");
        assertThat(errors.get("rest.paths[1]").asText()).isEqualTo("must start with '/'");
        assertThat(errors.get("rest.allowedIps[0]").asText()).contains("bits set after the /8 prefix");
        assertThat(errors.get("rest.anonymous").asText()).isEqualTo("must be deny or allow");
        assertThat(gateway.server.asAdmin("GET", SETTINGS, null).body()).isEqualTo(before);
        assertThat(password(gateway, "/rest/api/2/myself").status())
                .as("still allowed")
                .isEqualTo(200);

        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of("rest", Map.of("paths", List.of())))
                        .json()
                        .get("errors")
                        .get("rest.paths")
                        .asText())
                .isEqualTo("must list at least one path pattern");
        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of("rest", Map.of("colour", "red")))
                        .status())
                .as("unknown field")
                .isEqualTo(400);
        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of())
                        .json()
                        .get("errors")
                        .has("rest"))
                .isTrue();
        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of("rest", Map.of("paths", "/rest/**")))
                        .json()
                        .get("errors")
                        .get("rest.paths")
                        .asText())
                .as("a list given a string")
                .isEqualTo("wrong type or value");
        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of("rest", Map.of("paths", List.of("/a/**", 7))))
                        .json()
                        .get("errors")
                        .get("rest.paths[1]")
                        .asText())
                .as("an item given a number")
                .isEqualTo("wrong type or value");
        assertThat(gateway.server
                        .asAdmin("PUT", SETTINGS, Map.of("rest", Map.of("anonymous", List.of("allow"))))
                        .json()
                        .get("errors")
                        .get("rest.anonymous")
                        .asText())
                .isEqualTo("wrong type or value");
        assertThat(gateway.server.asAdmin("GET", SETTINGS, null).body()).isEqualTo(before);
    }

    @Test
    void onlyAdministratorsReadOrChangeSettings() throws Exception {
        RunningGateway gateway = shared;
        String alice = "alice";
        assertThat(gateway.server
                        .call("GET", SETTINGS, alice, RunningGateway.ALICE_PASSWORD, null)
                        .status())
                .isEqualTo(403);
        Answer put = gateway.server.call(
                "PUT", SETTINGS, alice, RunningGateway.ALICE_PASSWORD, Map.of("rest", Map.of("passwordAuth", "allow")));
        assertThat(put.status()).isEqualTo(403);
        assertThat(gateway.server
                        .call("DELETE", SETTINGS, alice, RunningGateway.ALICE_PASSWORD, null)
                        .status())
                .isEqualTo(403);
        assertThat(gateway.server.call("GET", SETTINGS, null, null, null).status())
                .isEqualTo(401);
        assertThat(password(gateway, "/rest/api/2/myself").status())
                .as("unchanged")
                .isEqualTo(401);
    }

    @Test
    void getShowsEachValueInForceAndWhereItComesFrom() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, Map.of("PATGATE_REST_ALLOWEDIPS", "127.0.0.0/8"))) {
            JsonNode fresh = gateway.server.asAdmin("GET", SETTINGS, null).json();
            assertThat(fresh.get("rest").get("passwordAuth").get("value").asText())
                    .isEqualTo("block");
            assertThat(fresh.get("rest").get("allowedIps").get("value").get(0).asText())
                    .isEqualTo("127.0.0.0/8");
            assertThat(fresh.get("rest").findValuesAsText("source"))
                    .containsOnly("configuration")
                    .hasSize(RestSettings.FIELDS.size());
            assertThat(fresh.get("updatedBy").isNull()).isTrue();

            JsonNode stored = put(gateway, Map.of("passwordAuth", "allow", "paths", List.of("/rest/**", "/api/**")))
                    .json();
            assertThat(stored.get("rest").get("passwordAuth"))
                    .hasToString("{\"value\":\"allow\",\"source\":\"stored\"}");
            assertThat(stored.get("rest").get("paths").get("source").asText()).isEqualTo("stored");
            assertThat(stored.get("rest").get("allowedIps").get("source").asText())
                    .isEqualTo("configuration");
            assertThat(stored.get("updatedBy").asText()).isEqualTo(TestServer.ADMIN);
            assertThat(gateway.server.asAdmin("GET", SETTINGS, null).json()).isEqualTo(stored);

            JsonNode reset = gateway.server.asAdmin("DELETE", SETTINGS, null).json();
            assertThat(reset.get("rest").findValuesAsText("source")).containsOnly("configuration");
            assertThat(password(gateway, "/rest/api/2/myself").status())
                    .as("back to the configuration")
                    .isEqualTo(401);
        }
    }

    @Test
    void everyChangeIsAuditedWithBeforeAndAfter() throws Exception {
        RunningGateway gateway = shared;
        put(gateway, Map.of("passwordAuth", "allow", "allowedIps", List.of("127.0.0.1")));
        gateway.server.asAdmin("DELETE", SETTINGS, null);

        JsonNode update = gateway.server
                .asAdmin("GET", "/.patgate/api/v1/audit?action=settings.update", null)
                .json()
                .get("items")
                .get(0);
        assertThat(update.get("actor").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(update.get("outcome").asText()).isEqualTo("success");
        assertThat(update.get("detail").asText())
                .isEqualTo("rest.passwordAuth: block -> allow (stored); rest.allowedIps: [] -> [127.0.0.1] (stored)");
        JsonNode reset = gateway.server
                .asAdmin("GET", "/.patgate/api/v1/audit?action=settings.reset", null)
                .json()
                .get("items")
                .get(0);
        assertThat(reset.get("detail").asText())
                .isEqualTo(
                        "rest.passwordAuth: allow -> block (configuration); rest.allowedIps: [127.0.0.1] -> [] (configuration)");
    }

    @Test
    void storedSettingsSurviveARestartAndWinOverTheConfiguration() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(dir, Map.of())) {
            put(gateway, Map.of("passwordAuth", "allow"));
        }
        try (RecordingUpstream upstream = new RecordingUpstream();
                TestServer restarted = TestServer.start(
                        dir,
                        jdbcUrl(),
                        "",
                        "",
                        Map.of("PATGATE_UPSTREAM_URL", upstream.url(), "PATGATE_REST_PASSWORDAUTH", "block"))) {
            Answer answer = restarted.raw("GET", "/rest/api/2/myself", Map.of("Authorization", ALICE_BASIC), null);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode passwordAuth =
                    restarted.asAdmin("GET", SETTINGS, null).json().get("rest").get("passwordAuth");
            assertThat(passwordAuth).hasToString("{\"value\":\"allow\",\"source\":\"stored\"}");
        }
    }

    @Test
    void aChangeOnOneNodeReachesAnotherNodeWithinItsRefreshInterval() throws Exception {
        try (RunningGateway nodeA = RunningGateway.start(dir, Map.of());
                TestServer nodeB = TestServer.start(
                        dir,
                        jdbcUrl(),
                        "",
                        "",
                        Map.of("PATGATE_UPSTREAM_URL", nodeA.upstream.url(), "PATGATE_TOKENS_CACHETTL", "1s"))) {
            Map<String, String> basic = Map.of("Authorization", ALICE_BASIC);
            assertThat(nodeB.raw("GET", "/rest/api/2/myself", basic, null).status())
                    .isEqualTo(401);
            assertThat(nodeB.asAdmin("GET", SETTINGS, null)
                            .json()
                            .get("refreshInterval")
                            .asText())
                    .isEqualTo("PT1S");

            put(nodeA, Map.of("passwordAuth", "allow"));
            assertThat(password(nodeA, "/rest/api/2/myself").status())
                    .as("node A, at once")
                    .isEqualTo(200);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status;
            do {
                Thread.sleep(100);
                status = nodeB.raw("GET", "/rest/api/2/myself", basic, null).status();
            } while (status != 200 && System.nanoTime() < deadline);
            assertThat(status)
                    .as("node B within its refresh interval (1s; waited at most 10s)")
                    .isEqualTo(200);
            assertThat(nodeB.asAdmin("GET", SETTINGS, null)
                            .json()
                            .get("rest")
                            .get("passwordAuth")
                            .get("source")
                            .asText())
                    .isEqualTo("stored");
        }
    }

    private String jdbcUrl() {
        return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    }
}
