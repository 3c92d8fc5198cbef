package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.LdapTest;

@LdapTest
@EndToEndTest
class OpenLdapDirectoryTest {

    private static LdapTestServer server;
    private static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        server = LdapTestServer.start(TestTrees.OPENLDAP_BASE, TestTrees.OPENLDAP, true);
        directory = LdapDirectory.connect(settings());
    }

    @AfterAll
    static void stop() {
        directory.close();
        server.close();
    }

    private static LdapSettings settings() {
        return LdapSettings.openLdapPreset(
                List.of(server.url()),
                LdapTestServer.SERVICE_DN,
                LdapTestServer.SERVICE_PASSWORD,
                TestTrees.OPENLDAP_BASE);
    }

    @Test
    void rightPasswordAuthenticatesWithProfileAndNestedGroups() {
        Optional<DirectoryUser> alice = directory.authenticate("alice", "alice-pass".toCharArray());

        assertThat(alice)
                .contains(new DirectoryUser(
                        "alice", "Alice Archer", "alice@example.org", Set.of("developers", "platform", "everyone")));
    }

    @Test
    void groupsOutsideTheGroupBaseAreIgnored() {
        assertThat(directory.lookup("alice").orElseThrow().groups()).doesNotContain("outsiders");
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThat(directory.authenticate("alice", "bob-pass".toCharArray())).isEmpty();
    }

    @Test
    void unknownUserIsRefused() {
        assertThat(directory.authenticate("mallory", "alice-pass".toCharArray()))
                .isEmpty();
        assertThat(directory.lookup("mallory")).isEmpty();
    }

    @Test
    void emptyPasswordIsRefusedBeforeAnyBind() {
        int searchesBefore = server.searchFilters().size();

        assertThat(directory.authenticate("alice", new char[0])).isEmpty();
        assertThat(directory.authenticate("alice", null)).isEmpty();
        assertThat(server.searchFilters()).hasSize(searchesBefore);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "*",
                "ali*",
                "admin)(uid=*",
                "admin)(|(uid=*",
                "*)(objectClass=*",
                "alice\\",
                "alice\u0000",
                "alice)",
                "(uid=alice)"
            })
    void filterMetacharactersInUsernamesMatchNoOtherUser(String username) {
        assertThat(directory.authenticate(username, "alice-pass".toCharArray())).isEmpty();
        assertThat(directory.authenticate(username, "admin-pass".toCharArray())).isEmpty();
        assertThat(directory.lookup(username)).isEmpty();
    }

    @Test
    void usernameIsSentEscapedPerRfc4515() {
        directory.authenticate("admin)(uid=*", "admin-pass".toCharArray());

        assertThat(server.searchFilters()).contains("(&(objectClass=inetOrgPerson)(uid=admin\\29\\28uid=\\2a))");
    }

    @Test
    void usernameWithFilterMetacharactersMatchesItselfLiterally() {
        assertThat(directory.authenticate("o(dd)*", "odd-pass".toCharArray()))
                .map(DirectoryUser::username)
                .contains("o(dd)*");
        assertThat(directory.authenticate("o(dd)", "odd-pass".toCharArray())).isEmpty();
    }

    @Test
    void membershipCyclesTerminate() {
        assertThat(directory.lookup("carol").orElseThrow().groups()).containsExactlyInAnyOrder("cycle-a", "cycle-b");
    }

    @Test
    void nestedGroupsCanBeTurnedOff() {
        LdapSettings direct = settings().withMembership(GroupMembership.MEMBER, "(objectClass=groupOfNames)", false);
        try (LdapDirectory flat = LdapDirectory.connect(direct)) {
            assertThat(flat.lookup("alice").orElseThrow().groups()).containsExactly("developers");
        }
    }

    @Test
    void uniqueMemberGroupsResolve() {
        LdapSettings unique =
                settings().withMembership(GroupMembership.UNIQUE_MEMBER, "(objectClass=groupOfUniqueNames)", true);
        try (LdapDirectory uniqueDirectory = LdapDirectory.connect(unique)) {
            assertThat(uniqueDirectory
                            .authenticate("bob", "bob-pass".toCharArray())
                            .orElseThrow()
                            .groups())
                    .containsExactly("auditors");
        }
    }

    @Test
    void usernameIsCanonicalFromTheDirectory() {
        assertThat(directory.authenticate("ALICE", "alice-pass".toCharArray()))
                .map(DirectoryUser::username)
                .contains("alice");
    }

    @Test
    void successfulCallsReportAReachableStatus() {
        directory.lookup("bob");

        DirectoryStatus status = directory.status();
        assertThat(status.reachable()).isTrue();
        assertThat(status.serverUrl()).isEqualTo(server.url().toString());
        assertThat(status.lastError()).isNull();
    }

    @Test
    void testConnectionBindsAndReadsTheBases() {
        DirectoryStatus status = directory.testConnection();

        assertThat(status.reachable()).isTrue();
        assertThat(status.latency()).isNotNull();
        assertThat(status.serverUrl()).isEqualTo(server.url().toString());
    }

    @Test
    void testConnectionReportsAWrongServicePassword() {
        LdapSettings wrong = LdapSettings.openLdapPreset(
                List.of(server.url()), LdapTestServer.SERVICE_DN, "not-the-password", TestTrees.OPENLDAP_BASE);
        try (LdapDirectory misconfigured = LdapDirectory.connect(wrong)) {
            DirectoryStatus status = misconfigured.testConnection();

            assertThat(status.reachable()).isFalse();
            assertThat(status.lastError()).contains("invalid credentials").doesNotContain("not-the-password");
        }
    }

    @Test
    void testConnectionReportsAMissingBase() {
        LdapSettings wrongBase = LdapSettings.openLdapPreset(
                List.of(server.url()),
                LdapTestServer.SERVICE_DN,
                LdapTestServer.SERVICE_PASSWORD,
                "dc=nowhere," + TestTrees.OPENLDAP_BASE);
        try (LdapDirectory misconfigured = LdapDirectory.connect(wrongBase)) {
            assertThat(misconfigured.testConnection().lastError()).contains("ou=people,dc=nowhere");
        }
    }
}
