package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.config.LdapSettings.Security;

class LdapSettingsTest {

    private static final List<URI> PLAIN = List.of(URI.create("ldap://ldap.example.org"));

    private static LdapSettings openLdap() {
        return LdapSettings.openLdapPreset(PLAIN, "cn=svc,dc=example,dc=org", "svc-secret", "dc=example,dc=org");
    }

    @Test
    void openLdapPresetUsesPeopleAndGroupsWithMemberAndNesting() {
        LdapSettings settings = openLdap();

        assertThat(settings.userBaseDn()).isEqualTo("ou=people,dc=example,dc=org");
        assertThat(settings.userFilter()).isEqualTo("(&(objectClass=inetOrgPerson)(uid={0}))");
        assertThat(settings.groupBaseDn()).isEqualTo("ou=groups,dc=example,dc=org");
        assertThat(settings.membership()).isEqualTo(GroupMembership.MEMBER);
        assertThat(settings.nestedGroups()).isTrue();
        assertThat(settings.security()).isEqualTo(Security.NONE);
    }

    @Test
    void activeDirectoryPresetUsesSamAccountNameAndInChain() {
        LdapSettings settings = LdapSettings.activeDirectoryPreset(
                List.of(URI.create("ldaps://dc1.corp.example.com")),
                "CN=svc,DC=corp,DC=example,DC=com",
                "svc-secret",
                "DC=corp,DC=example,DC=com");

        assertThat(settings.usernameAttribute()).isEqualTo("sAMAccountName");
        assertThat(settings.membership()).isEqualTo(GroupMembership.AD_IN_CHAIN);
        assertThat(settings.security()).isEqualTo(Security.LDAPS);
    }

    @Test
    void toStringMasksBothPasswords() {
        LdapSettings settings = LdapSettings.openLdapPreset(
                        List.of(URI.create("ldaps://ldap.example.org")),
                        "cn=svc,dc=example,dc=org",
                        "svc-secret",
                        "dc=example,dc=org")
                .withSecurity(Security.LDAPS, Path.of("trust.p12"), "trust-secret");

        assertThat(settings.toString())
                .doesNotContain("svc-secret")
                .doesNotContain("trust-secret")
                .contains("bindPassword=****")
                .contains("cn=svc,dc=example,dc=org");
    }

    @Test
    void schemeMustMatchSecurity() {
        assertThatThrownBy(() -> openLdap().withSecurity(Security.LDAPS, null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.urls: ldap://ldap.example.org does not match security LDAPS");
    }

    @Test
    void urlsMustBeLdap() {
        assertThatThrownBy(() -> openLdap().withUrls(List.of(URI.create("http://ldap.example.org"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.urls");
        assertThatThrownBy(() -> openLdap().withUrls(List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> openLdap().withUrls(List.of(URI.create("ldap://ldap.example.org/dc=x?uid"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only scheme, host and port");
    }

    @Test
    void trustStoreWithoutTlsIsRefused() {
        assertThatThrownBy(() -> openLdap().withSecurity(Security.NONE, Path.of("trust.p12"), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.trustStore");
    }

    @Test
    void bindDnWithoutPasswordIsRefused() {
        assertThatThrownBy(
                        () -> LdapSettings.openLdapPreset(PLAIN, "cn=svc,dc=example,dc=org", "", "dc=example,dc=org"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.bindPassword: required");
    }

    @Test
    void anonymousServiceAccessIsAllowed() {
        assertThat(LdapSettings.openLdapPreset(PLAIN, null, null, "dc=example,dc=org")
                        .bindDn())
                .isNull();
    }

    @Test
    void userFilterNeedsThePlaceholderAndValidSyntax() {
        assertThatThrownBy(() -> settingsWithUserFilter("(objectClass=inetOrgPerson)"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must contain {0}");
        assertThatThrownBy(() -> settingsWithUserFilter("(&(uid={0})"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a valid LDAP filter");
    }

    @Test
    void inChainNeedsNestedGroups() {
        assertThatThrownBy(() -> openLdap().withMembership(GroupMembership.AD_IN_CHAIN, "(objectClass=group)", false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.nestedGroups");
    }

    @Test
    void outOfRangeNumbersAreRefusedNotClamped() {
        assertThatThrownBy(() -> openLdap().withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(2)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2))
                .hasMessageContaining("directory.ldap.connectTimeout")
                .hasMessageContaining("directory.ldap.membershipCacheTtl");
    }

    @Test
    void invalidDnsAreRefused() {
        assertThatThrownBy(() -> LdapSettings.openLdapPreset(PLAIN, "not a dn", "x", "dc=example,dc=org"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.bindDn: not a valid DN");
    }

    private static LdapSettings settingsWithUserFilter(String userFilter) {
        LdapSettings s = openLdap();
        return new LdapSettings(
                s.urls(),
                s.security(),
                null,
                null,
                s.bindDn(),
                s.bindPassword(),
                s.userBaseDn(),
                userFilter,
                s.usernameAttribute(),
                s.displayNameAttribute(),
                s.emailAttribute(),
                s.groupBaseDn(),
                s.membership(),
                s.groupFilter(),
                s.groupNameAttribute(),
                s.nestedGroups(),
                s.connectTimeout(),
                s.responseTimeout(),
                s.poolSize(),
                s.membershipCacheTtl());
    }
}
