package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Gateway settings that change the rules: anonymous access, password exemptions by user and group,
 * a trusted proxy in front, and identity mode {@code none}.
 */
@EndToEndTest
class GatewayOptionsTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder()
            .env(Map.of(
                    "PATGATE_REST_ANONYMOUS", "allow",
                    "PATGATE_REST_PASSWORDEXEMPTUSERS", "legacy-sync",
                    "PATGATE_REST_PASSWORDEXEMPTGROUPS", "migrating",
                    "PATGATE_TRUSTEDPROXIES", "127.0.0.1",
                    "PATGATE_IDENTITY_MODE", "none",
                    "PATGATE_REST_ALLOWEDIPS", "127.0.0.0/8,198.51.100.0/24"))
            .user("carol", "carol-password-123", "migrating")
            .build();

    @Test
    void anonymousRequestsPassWhenAllowed() {
        Answer answer = gw.send("GET", "/rest/api/2/serverInfo", Map.of("X-Forwarded-User", "admin"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).isEmpty();
    }

    @Test
    void exemptUserMayStillUseAPasswordWhichReachesTheUpstream() {
        String basic = TestServer.basic("legacy-sync", "whatever-the-upstream-checks");
        Answer answer = gw.send("GET", "/rest/api/2/myself", Map.of("Authorization", basic), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("Authorization")).containsExactly(basic);
    }

    @Test
    void memberOfExemptGroupMayStillUseAPassword() {
        Answer carol = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", TestServer.basic("carol", "carol-password-123")),
                null);
        Answer alice = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)),
                null);

        assertThat(carol.status()).isEqualTo(200);
        assertThat(alice.status()).as("not exempt").isEqualTo(401);
    }

    @Test
    void jiraQueryPasswordOfExemptUserPasses() {
        assertThat(gw.send("GET", "/rest/api/2/myself?os_username=legacy-sync&os_password=x", Map.of(), null)
                        .status())
                .isEqualTo(200);
        assertThat(gw.send("GET", "/rest/api/2/myself?os_username=alice&os_password=x", Map.of(), null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightMostUntrustedAddress() {
        String bound = gw.createToken("read-write", List.of("198.51.100.0/24"));
        gw.upstream.clear();

        Answer allowed = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + bound, "X-Forwarded-For", "203.0.113.66, 198.51.100.7"),
                null);
        Answer spoofedLeft = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + bound, "X-Forwarded-For", "198.51.100.7, 203.0.113.66"),
                null);

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(spoofedLeft.status())
                .as("the left part is client-controlled")
                .isEqualTo(403);
    }

    @Test
    void globalRestRangesApplyToEveryRestRequest() {
        Answer token = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "X-Forwarded-For", "203.0.113.5"),
                null);
        Answer anonymous = gw.send("GET", "/rest/api/2/serverInfo", Map.of("X-Forwarded-For", "203.0.113.5"), null);
        Answer ui = gw.send("GET", "/secure/Dashboard.jspa", Map.of("X-Forwarded-For", "203.0.113.5"), null);
        Answer inside = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "X-Forwarded-For", "198.51.100.9"),
                null);

        assertThat(token.status()).isEqualTo(403);
        assertThat(anonymous.status()).isEqualTo(403);
        assertThat(token.json().get("detail").asText()).contains("REST API may not be used from your address");
        assertThat(ui.status()).as("not a REST path").isEqualTo(200);
        assertThat(inside.status()).isEqualTo(200);
        assertThat(gw.upstream.received()).hasSize(2);
    }

    @Test
    void identityModeNoneForwardsNoIdentityButStillEnforcesTokens() {
        Answer answer = gw.send(
                "GET",
                "/rest/api/2/myself",
                Map.of("Authorization", "Bearer " + gw.readWrite(), "X-Forwarded-User", "admin"),
                null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).isEmpty();
        assertThat(gw.upstream.last().header("Authorization")).isEmpty();
        gw.upstream.clear();
        assertThat(gw.bearer("DELETE", "/rest/api/2/issue/X-1", gw.readOnly()).status())
                .isEqualTo(403);
        assertThat(gw.upstream.received()).isEmpty();
    }
}
