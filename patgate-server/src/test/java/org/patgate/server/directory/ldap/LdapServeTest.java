package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.CliRunner;
import org.patgate.server.testing.CliRunner.Result;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.LdapTest;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * A real PATgate node configured with {@code directory.ldap} in front of a recording upstream, and a
 * real LDAP server on loopback. Permissions are granted to LDAP group names only (everyone holds
 * nothing), so every right an LDAP user has comes from the directory. Directory time is the node's
 * test clock: the membership cache TTL passes without sleeping. The token cache is off
 * ({@code tokens.cacheTtl: 0s}) so the membership cache alone bounds how long changes take. Each
 * test here changes the directory, the node's clock or what the others count, so each gets its own
 * node; the tests that change none of it share one in {@link LdapLoginTest}.
 */
@LdapTest
@EndToEndTest
class LdapServeTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final String PEOPLE = "ou=people," + TestTrees.OPENLDAP_BASE;
    private static final String GROUPS = "ou=groups," + TestTrees.OPENLDAP_BASE;
    private static final String ALICE_DN = "uid=alice," + PEOPLE;
    /** The test tree plus dave, an administrator by LDAP group only. */
    static final String TREE = TestTrees.OPENLDAP.replace(
                    "member: uid=admin," + PEOPLE, "member: uid=admin," + PEOPLE + "\nmember: uid=dave," + PEOPLE)
            + """

            dn: uid=dave,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: dave
            cn: Dave Dunn
            sn: Dunn
            userPassword: dave-pass
            """;

    @TempDir
    Path dir;

    private LdapTestServer ldap;
    private RecordingUpstream upstream;
    private TestServer server;

    @RegisterExtension
    final CliRunner cli = CliRunner.against(() -> server.baseUri());

    @BeforeEach
    void start() throws Exception {
        ldap = LdapTestServer.start(TestTrees.OPENLDAP_BASE, TREE, false);
        upstream = new RecordingUpstream();
        server = startNode(dir, ldap, upstream);
    }

    /**
     * A node in front of {@code upstream} using {@code ldap}, with permissions granted to LDAP
     * groups only. Schema checking is off in {@code ldap}: ppolicy's pwdAccountLockedTime (how
     * OpenLDAP marks a locked account) is not in the in-memory server's standard schema.
     */
    static TestServer startNode(Path dir, LdapTestServer ldap, RecordingUpstream upstream) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATGATE_UPSTREAM_URL", upstream.url());
        env.put("PATGATE_TOKENS_CACHETTL", "0s");
        env.put("PATGATE_REST_PASSWORDEXEMPTGROUPS", "platform");
        env.put("PATGATE_DIRECTORY_LDAP_URLS", ldap.url().toString());
        env.put("PATGATE_DIRECTORY_LDAP_SECURITY", "none");
        env.put("PATGATE_DIRECTORY_LDAP_BINDDN", LdapTestServer.SERVICE_DN);
        env.put("PATGATE_DIRECTORY_LDAP_BINDPASSWORD", LdapTestServer.SERVICE_PASSWORD);
        env.put("PATGATE_DIRECTORY_LDAP_USERBASEDN", PEOPLE);
        env.put(
                "PATGATE_DIRECTORY_LDAP_USERFILTER",
                "(&(objectClass=inetOrgPerson)(uid={0})(!(pwdAccountLockedTime=*)))");
        env.put("PATGATE_DIRECTORY_LDAP_GROUPBASEDN", GROUPS);
        env.put("PATGATE_DIRECTORY_LDAP_CONNECTTIMEOUT", "2s");
        env.put("PATGATE_DIRECTORY_LDAP_RESPONSETIMEOUT", "2s");
        env.put("PATGATE_DIRECTORY_LDAP_MEMBERSHIPCACHETTL", "60s");
        TestServer server =
                TestServer.start(dir, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "", "", env);
        grant(server, "everyone", List.of());
        grant(server, "groups/platform", List.of("use-tokens")); // alice and bob through developers ⊂ platform
        grant(server, "groups/developers", List.of("create-tokens"));
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upstream.close();
        ldap.close();
    }

    @Test
    void aNameOrMailChangedInTheDirectoryIsCopiedAtTheNextLogin() throws Exception {
        assertThat(server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null)
                        .status())
                .isEqualTo(200);

        ldap.modify(
                ALICE_DN,
                new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.REPLACE, "cn", "Alice Married-Name"),
                new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.REPLACE, "mail", "alice.mn@example.org"));
        server.clock().advance(TTL.plusSeconds(1));
        Answer me = server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null);

        assertThat(me.json().get("user").get("displayName").asText())
                .as(me.body())
                .isEqualTo("Alice Married-Name");
        assertThat(me.json().get("user").get("email").asText()).isEqualTo("alice.mn@example.org");
    }

    @Test
    void removingTheUserFromTheGrantedGroupInTheDirectoryStopsTheTokenWithinTheTtl() throws Exception {
        Created token = createToken("alice", "alice-pass");
        assertThat(gateway(token.secret()).status()).isEqualTo(200);

        ldap.modify("cn=developers," + GROUPS, new Modification(ModificationType.DELETE, "member", ALICE_DN));
        server.clock().advance(TTL.minusSeconds(1));
        assertThat(gateway(token.secret()).status()).as("still cached").isEqualTo(200);

        server.clock().advance(Duration.ofSeconds(1));
        Answer refused = gateway(token.secret());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("may no longer use tokens");
        JsonNode view = server.asAdmin("GET", "/.patgate/api/v1/tokens/" + token.id(), null)
                .json();
        assertThat(view.get("usable").asBoolean()).isFalse();
        assertThat(view.get("statusReason").asText()).isEqualTo("its owner no longer holds the use-tokens permission");
    }

    @Test
    void userDeletedFromTheDirectoryLosesTheirTokensWithinTheTtl() throws Exception {
        Created token = createToken("alice", "alice-pass");

        ldap.delete(ALICE_DN);
        assertThat(gateway(token.secret()).status()).isEqualTo(200);
        server.clock().advance(TTL);

        assertThat(gateway(token.secret()).status()).isEqualTo(401);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + token.id(), null)
                        .json()
                        .get("statusReason")
                        .asText())
                .contains("no longer exists");
        assertThat(server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void userLockedInTheDirectoryLosesTheirTokensWithinTheTtl() throws Exception {
        Created token = createToken("alice", "alice-pass");

        ldap.modify(ALICE_DN, new Modification(ModificationType.ADD, "pwdAccountLockedTime", "20250101000000Z"));
        assertThat(gateway(token.secret()).status()).isEqualTo(200);
        server.clock().advance(TTL);

        assertThat(gateway(token.secret()).status()).isEqualTo(401);
        assertThat(server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void ldapUserDisabledInPatgateLosesTheirTokensAtOnce() {
        Created token = createToken("alice", "alice-pass");

        Answer disabled = server.asAdmin("PATCH", "/.patgate/api/v1/users/alice", Map.of("enabled", false));

        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(gateway(token.secret()).status()).isEqualTo(401);
        assertThat(server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void duringAnOutageLoginsFailWithA503AndTokensWorkUntilTheTtlThenFailClosed() {
        Created token = createToken("alice", "alice-pass");
        ldap.stop();

        Answer login = server.call("GET", "/.patgate/api/v1/me", "alice", "alice-pass", null);
        assertThat(login.status()).isEqualTo(503);
        assertThat(login.contentType()).startsWith("application/problem+json");
        assertThat(login.json().get("type").asText()).isEqualTo("/.patgate/problems/directory-unavailable");
        assertThat(login.json().get("detail").asText()).startsWith("directory unavailable: ");
        assertThat(login.body()).doesNotContain(LdapTestServer.SERVICE_PASSWORD).doesNotContain("alice-pass");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/me", null).status())
                .as("local users still log in")
                .isEqualTo(200);

        server.clock().advance(TTL.minusSeconds(1));
        assertThat(gateway(token.secret()).status()).as("within the TTL").isEqualTo(200);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(gateway(token.secret()).status()).as("after the TTL").isEqualTo(401);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + token.id(), null)
                        .json()
                        .get("statusReason")
                        .asText())
                .contains("LDAP directory is unavailable");

        JsonNode status = server.asAdmin("GET", "/.patgate/api/v1/directory", null)
                .json()
                .get("directories")
                .get(1);
        assertThat(status.get("status").asText()).isEqualTo("down");
        assertThat(status.get("lastError").asText()).isNotBlank();
    }

    @Test
    void tokensWorkAgainOnceTheDirectoryIsBack() throws Exception {
        Created token = createToken("alice", "alice-pass");
        ldap.stop();
        server.clock().advance(TTL);
        assertThat(gateway(token.secret()).status()).isEqualTo(401);

        ldap.restart();

        assertThat(gateway(token.secret()).status()).isEqualTo(200);
    }

    @Test
    void statusAndConnectionTestShowTheServerInUseWithoutSecrets() {
        Answer before = server.asAdmin("GET", "/.patgate/api/v1/directory", null);
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.json().get("kinds")).extracting(JsonNode::asText).containsExactly("local", "ldap");
        assertThat(before.json().get("directories").get(1).get("status").asText())
                .isEqualTo("unknown");

        Answer tested = server.asAdmin("POST", "/.patgate/api/v1/directory/test", null);

        assertThat(tested.status()).as(tested.body()).isEqualTo(200);
        assertThat(tested.json().get("status").asText()).isEqualTo("up");
        assertThat(tested.json().get("serverInUse").asText())
                .isEqualTo(ldap.url().toString());
        assertThat(tested.json().get("latencyMs").asLong()).isNotNegative();
        Answer after = server.asAdmin("GET", "/.patgate/api/v1/directory", null);
        assertThat(after.json().get("directories").get(1).get("status").asText())
                .isEqualTo("up");
        assertThat(before.body() + tested.body() + after.body()).doesNotContain(LdapTestServer.SERVICE_PASSWORD);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/audit?action=directory.test", null)
                        .json()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void connectionTestReportsAnUnreachableDirectory() {
        ldap.stop();

        Answer tested = server.asAdmin("POST", "/.patgate/api/v1/directory/test", null);

        assertThat(tested.status()).isEqualTo(200);
        assertThat(tested.json().get("status").asText()).isEqualTo("down");
        assertThat(tested.json().has("serverInUse")).isFalse();
        assertThat(tested.json().get("lastError").asText()).isNotBlank();
    }

    @Test
    void cliLogsInAsAnLdapUserAndAdminsSeeTheDirectory() {
        Result created = cli.run("alice", "alice-pass", "token", "create", "--name", "from-cli");
        assertThat(created.exitCode()).as(created.err()).isZero();

        Result status = cli.run("dave", "dave-pass", "directory", "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("local").contains("ldap");

        Result test = cli.run("dave", "dave-pass", "directory", "test");
        assertThat(test.exitCode()).as(test.err()).isZero();
        assertThat(test.out()).contains("up").contains("server " + ldap.url());

        ldap.stop();
        Result down = cli.run(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "directory", "test");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.out()).contains("down").contains("last error");
        Result unavailable = cli.run("alice", "alice-pass", "token", "list");
        assertThat(unavailable.exitCode()).isEqualTo(1);
        assertThat(unavailable.err()).contains("directory unavailable").contains("503");
    }

    private record Created(String id, String secret) {}

    private Created createToken(String user, String password) {
        Answer created = server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                user,
                password,
                Map.of("name", "t-" + System.nanoTime(), "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Created(
                created.json().get("id").asText(), created.json().get("token").asText());
    }

    private Answer gateway(String secret) {
        return server.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + secret), null);
    }

    private static void grant(TestServer server, String target, List<String> permissions) {
        Answer answer =
                server.asAdmin("PUT", "/.patgate/api/v1/permissions/" + target, Map.of("permissions", permissions));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
