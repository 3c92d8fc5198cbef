package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.LdapTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Logins, rights and refusals of LDAP users on the node {@link LdapServeTest} describes, for the
 * tests that change neither the directory nor the node's clock: they share one node and one
 * directory for the class. Each test's requests leave what the others assert as it was (at most
 * three failed logins in all, far below the per-address throttle).
 */
@LdapTest
@EndToEndTest
class LdapLoginTest {

    private static Path dir;
    private static LdapTestServer ldap;
    private static RecordingUpstream upstream;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("patgate-ldap-login-");
        ldap = LdapTestServer.start(TestTrees.OPENLDAP_BASE, LdapServeTest.TREE, false);
        upstream = new RecordingUpstream();
        server = LdapServeTest.startNode(dir, ldap, upstream);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
        ldap.close();
        FileTrees.deleteQuietly(dir);
    }

    @Test
    void ldapUserLogsInWithPermissionsOfTheirNestedGroups() {
        Answer me = server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null);

        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("user").get("source").asText()).isEqualTo("ldap");
        assertThat(me.json().get("user").get("displayName").asText()).isEqualTo("Alice Archer");
        assertThat(me.json().get("user").get("groups"))
                .extracting(JsonNode::asText)
                .contains("developers", "platform", "everyone");
        assertThat(me.json().get("permissions"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("use-tokens", "create-tokens");
        assertThat(me.json().get("admin").asBoolean()).isFalse();
    }

    @Test
    void ldapUserWithoutGrantedGroupsCannotCreateTokens() {
        Answer created = server.call(
                "POST", "/.patgate/api/v1/tokens", "carol", "carol-pass", Map.of("name", "ci", "scope", "read-only"));

        assertThat(created.status()).as(created.body()).isEqualTo(403);
    }

    @Test
    void ldapGroupNamedLikeTheAdminGroupMakesAnAdmin() {
        Answer directory = server.call("GET", "/.patgate/api/v1/directory", "dave", "dave-pass", null);

        assertThat(directory.status()).as(directory.body()).isEqualTo(200);
        assertThat(server.call("GET", "/.patgate/api/v1/directory", "alice", "alice-pass", null)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void wrongPasswordAndUnknownUserAreRefusedAlike() {
        Answer wrong = server.call("GET", "/.patgate/api/v1/me", "alice", "not-her-password", null);
        Answer unknown = server.call("GET", "/.patgate/api/v1/me", "nobody", "alice-pass", null);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.json().get("detail")).isEqualTo(unknown.json().get("detail"));
    }

    @Test
    void localUserOfTheSameNameIsNeverTakenOverByTheDirectory() {
        // The directory has uid=admin with admin-pass; the local bootstrap admin wins.
        assertThat(server.call("GET", "/.patgate/api/v1/me", "admin", "admin-pass", null)
                        .status())
                .isEqualTo(401);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/me", null)
                        .json()
                        .get("user")
                        .get("source")
                        .asText())
                .isEqualTo("local");
    }

    @Test
    void adminCreatesATokenForAnLdapUserWhoNeverLoggedIn() {
        Answer created = server.asAdmin(
                "POST", "/.patgate/api/v1/tokens", Map.of("name", "for-bob", "owner", "bob", "scope", "read-only"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(gateway(created.json().get("token").asText()).status()).isEqualTo(200);
        assertThat(upstream.last().header("X-Forwarded-User")).containsExactly("bob");
    }

    @Test
    void passwordExemptionByGroupUsesTheDirectorysNestedGroups() {
        Answer bob =
                server.raw("GET", "/rest/api/2/myself", Map.of("Authorization", TestServer.basic("bob", "x")), null);
        Answer carol =
                server.raw("GET", "/rest/api/2/myself", Map.of("Authorization", TestServer.basic("carol", "x")), null);

        assertThat(bob.status()).as("bob is in platform through developers").isEqualTo(200);
        assertThat(carol.status()).isEqualTo(401);
    }

    private static Answer gateway(String secret) {
        return server.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + secret), null);
    }
}
