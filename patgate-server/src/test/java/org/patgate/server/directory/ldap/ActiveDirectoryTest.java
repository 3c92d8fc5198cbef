package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.LdapTest;

/**
 * The Active Directory preset against an AD-shaped tree. The in-memory server cannot evaluate
 * LDAP_MATCHING_RULE_IN_CHAIN, so nested groups are proven with client-side expansion over
 * {@code memberOf} and {@code member}; for AD_IN_CHAIN the tests prove the filter that goes on the
 * wire (the test server answers it as a direct-membership match).
 */
@LdapTest
@EndToEndTest
class ActiveDirectoryTest {

    private static LdapTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LdapTestServer.start(TestTrees.AD_BASE, TestTrees.ACTIVE_DIRECTORY, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static LdapSettings preset() {
        return LdapSettings.activeDirectoryPreset(
                List.of(server.url()), LdapTestServer.SERVICE_DN, LdapTestServer.SERVICE_PASSWORD, TestTrees.AD_BASE);
    }

    @Test
    void memberOfWithClientSideExpansionFindsNestedGroups() {
        LdapSettings memberOf = preset().withMembership(GroupMembership.MEMBER_OF, "(objectClass=group)", true);
        try (LdapDirectory directory = LdapDirectory.connect(memberOf)) {
            DirectoryUser dana =
                    directory.authenticate("ddiaz", "Dana-Pa55".toCharArray()).orElseThrow();

            assertThat(dana)
                    .isEqualTo(new DirectoryUser(
                            "ddiaz",
                            "Dana Diaz",
                            "dana.diaz@example.com",
                            Set.of("Developers", "Engineering", "Staff")));
        }
    }

    @Test
    void memberOfWithoutNestingKeepsDirectGroupsOnly() {
        LdapSettings memberOf = preset().withMembership(GroupMembership.MEMBER_OF, "(objectClass=group)", false);
        try (LdapDirectory directory = LdapDirectory.connect(memberOf)) {
            assertThat(directory.lookup("ddiaz").orElseThrow().groups()).containsExactly("Developers");
        }
    }

    @Test
    void memberOfPointingAtADeletedGroupIsSkipped() {
        LdapSettings memberOf = preset().withMembership(GroupMembership.MEMBER_OF, "(objectClass=group)", true);
        try (LdapDirectory directory = LdapDirectory.connect(memberOf)) {
            assertThat(directory.lookup("eevans").orElseThrow().groups()).containsExactly("PATgate Admins");
        }
    }

    @Test
    void memberAttributeWithClientSideExpansionFindsNestedGroups() {
        LdapSettings member = preset().withMembership(GroupMembership.MEMBER, "(objectClass=group)", true);
        try (LdapDirectory directory = LdapDirectory.connect(member)) {
            assertThat(directory.lookup("ddiaz").orElseThrow().groups())
                    .containsExactlyInAnyOrder("Developers", "Engineering", "Staff");
        }
    }

    @Test
    void inChainPresetSendsTheMatchingRuleFilterWithTheUserDn() {
        try (LdapDirectory directory = LdapDirectory.connect(preset())) {
            DirectoryUser dana =
                    directory.authenticate("ddiaz", "Dana-Pa55".toCharArray()).orElseThrow();

            assertThat(server.searchFilters())
                    .contains(
                            "(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=CN=Dana Diaz,CN=Users,DC=corp,DC=example,DC=com))");
            // The test server answers the rule as a direct match; a domain controller adds nested groups.
            assertThat(dana.groups()).containsExactly("Developers");
        }
    }

    @Test
    void loginNameIsMatchedCaseInsensitivelyAndReturnedAsStored() {
        try (LdapDirectory directory = LdapDirectory.connect(preset())) {
            assertThat(directory.authenticate("DDIAZ", "Dana-Pa55".toCharArray()))
                    .map(DirectoryUser::username)
                    .contains("ddiaz");
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        try (LdapDirectory directory = LdapDirectory.connect(preset())) {
            assertThat(directory.authenticate("ddiaz", "Erin-Pa55".toCharArray()))
                    .isEmpty();
        }
    }

    @Test
    void computerAccountsCannotLogIn() {
        try (LdapDirectory directory = LdapDirectory.connect(preset())) {
            assertThat(directory.authenticate("WS01$", "Machine-Pa55".toCharArray()))
                    .isEmpty();
        }
    }

    @Test
    void wildcardUsernameDoesNotMatchAnAccount() {
        try (LdapDirectory directory = LdapDirectory.connect(preset())) {
            assertThat(directory.authenticate("*", "Dana-Pa55".toCharArray())).isEmpty();
            assertThat(directory.authenticate("dd*", "Dana-Pa55".toCharArray())).isEmpty();
        }
    }

    @Test
    void groupMembershipsOfAnotherDomainPartAreIgnored() {
        LdapSettings narrow = new LdapSettings(
                List.of(server.url()),
                LdapSettings.Security.NONE,
                null,
                null,
                LdapTestServer.SERVICE_DN,
                LdapTestServer.SERVICE_PASSWORD,
                TestTrees.AD_BASE,
                preset().userFilter(),
                "sAMAccountName",
                "displayName",
                "mail",
                "CN=Users," + TestTrees.AD_BASE,
                GroupMembership.MEMBER_OF,
                "(objectClass=group)",
                "cn",
                true,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                2,
                Duration.ZERO);
        try (LdapDirectory directory = LdapDirectory.connect(narrow)) {
            assertThat(directory.lookup("ddiaz").orElseThrow().groups()).isEmpty();
        }
    }
}
