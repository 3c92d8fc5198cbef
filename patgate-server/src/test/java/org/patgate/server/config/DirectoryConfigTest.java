package org.patgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.LdapSettings.GroupMembership;
import org.patgate.server.config.LdapSettings.Security;

/** The {@code directory.ldap} keys: loading, presets, validation with key names, masking. */
class DirectoryConfigTest {

    private static final Map<String, String> MINIMAL = Map.of(
            "PATGATE_DIRECTORY_LDAP_URLS", "ldap://ldap1.example.org, ldap://ldap2.example.org:1389",
            "PATGATE_DIRECTORY_LDAP_USERBASEDN", "ou=people,dc=example,dc=org",
            "PATGATE_DIRECTORY_LDAP_GROUPBASEDN", "ou=groups,dc=example,dc=org");

    @TempDir
    Path dir;

    @Test
    void withoutUrlsThereIsNoLdapDirectory() {
        assertThat(PatgateConfig.defaults().directory()).isEqualTo(DirectoryConfig.localOnly());
    }

    @Test
    void urlsAndBaseDnsAreEnoughAndTheRestDefaultsToOpenLdap() {
        LdapSettings ldap = PatgateConfig.load(null, MINIMAL).directory().ldap().orElseThrow();

        assertThat(ldap.urls())
                .containsExactly(URI.create("ldap://ldap1.example.org"), URI.create("ldap://ldap2.example.org:1389"));
        assertThat(ldap.security()).isEqualTo(Security.STARTTLS);
        assertThat(ldap.userFilter()).isEqualTo("(&(objectClass=inetOrgPerson)(uid={0}))");
        assertThat(ldap.usernameAttribute()).isEqualTo("uid");
        assertThat(ldap.membership()).isEqualTo(GroupMembership.MEMBER);
        assertThat(ldap.groupFilter()).isEqualTo("(objectClass=groupOfNames)");
        assertThat(ldap.nestedGroups()).isTrue();
        assertThat(ldap.bindDn()).isNull();
        assertThat(ldap.membershipCacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ldap.poolSize()).isEqualTo(4);
    }

    @Test
    void activeDirectoryPresetChangesTheDefaultsAndExplicitKeysStillWin() throws IOException {
        Path file = write("""
                directory:
                  ldap:
                    preset: activedirectory
                    urls: [ldaps://dc1.corp.example.com]
                    security: ldaps
                    bindDn: CN=svc-patgate,OU=Service Accounts,DC=corp,DC=example,DC=com
                    bindPassword: "0123"
                    userBaseDn: DC=corp,DC=example,DC=com
                    groupBaseDn: DC=corp,DC=example,DC=com
                    groupNameAttribute: sAMAccountName
                """);

        LdapSettings ldap =
                PatgateConfig.load(file, Map.of()).directory().ldap().orElseThrow();

        assertThat(ldap.usernameAttribute()).isEqualTo("sAMAccountName");
        assertThat(ldap.displayNameAttribute()).isEqualTo("displayName");
        assertThat(ldap.membership()).isEqualTo(GroupMembership.AD_IN_CHAIN);
        assertThat(ldap.userFilter()).contains("(!(objectClass=computer))");
        assertThat(ldap.groupNameAttribute()).isEqualTo("sAMAccountName");
        assertThat(ldap.bindPassword()).as("text stays text").isEqualTo("0123");
    }

    @Test
    void ldapKeysWithoutUrlsAreRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> PatgateConfig.load(null, Map.of("PATGATE_DIRECTORY_LDAP_BINDDN", "cn=x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("directory.ldap.urls: required to use an LDAP directory; directory.ldap.bindDn is set "
                        + "but no server is given");
    }

    @Test
    void everyBadValueIsReportedWithItsKey() {
        Map<String, String> env = new HashMap<>(MINIMAL);
        env.put("PATGATE_DIRECTORY_LDAP_URLS", "http://ldap.example.org");
        env.put("PATGATE_DIRECTORY_LDAP_USERFILTER", "(uid=alice)");
        env.put("PATGATE_DIRECTORY_LDAP_BINDDN", "cn=patgate,dc=example,dc=org");
        env.put("PATGATE_DIRECTORY_LDAP_MEMBERSHIPCACHETTL", "2h");

        assertThatThrownBy(() -> PatgateConfig.load(null, env))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "directory.ldap.urls: must be ldap://host[:port] or ldaps://host[:port], got http://ldap.example.org",
                                        "directory.ldap.bindPassword: required when bindDn is set",
                                        "directory.ldap.userFilter: must contain {0} where the username goes, got (uid=alice)",
                                        "directory.ldap.membershipCacheTtl: must be 0s..1h (removed members keep access that long), got PT2H"));
    }

    @Test
    void malformedScalarsNameTheirKeyAndNeverEchoSecrets() {
        Map<String, String> env = new HashMap<>(MINIMAL);
        env.put("PATGATE_DIRECTORY_LDAP_NESTEDGROUPS", "yes");
        env.put("PATGATE_DIRECTORY_LDAP_MEMBERSHIP", "memberof");
        env.put("PATGATE_DIRECTORY_LDAP_POOLSIZE", "0");

        assertThatThrownBy(() -> PatgateConfig.load(null, env))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "directory.ldap.membership: must be member_of, member, unique_member or ad_in_chain, got "
                                                + "'memberof' (from PATGATE_DIRECTORY_LDAP_MEMBERSHIP)",
                                        "directory.ldap.nestedGroups: must be true or false, got 'yes' (from PATGATE_DIRECTORY_LDAP_NESTEDGROUPS)",
                                        "directory.ldap.poolSize: must be 1..100, got 0 (from PATGATE_DIRECTORY_LDAP_POOLSIZE)"));
    }

    @Test
    void printedConfigurationMasksTheLdapPasswordsAndLoadsBack() throws IOException {
        Map<String, String> env = new HashMap<>(MINIMAL);
        env.put("PATGATE_DIRECTORY_LDAP_BINDDN", "cn=patgate,dc=example,dc=org");
        env.put("PATGATE_DIRECTORY_LDAP_BINDPASSWORD", "bind-secret-1");
        env.put("PATGATE_DIRECTORY_LDAP_TRUSTSTORE", "/etc/patgate/ldap-ca.p12");
        env.put("PATGATE_DIRECTORY_LDAP_TRUSTSTOREPASSWORD", "trust-secret-2");
        PatgateConfig config = PatgateConfig.load(null, env);

        String yaml = config.toMaskedYaml();

        assertThat(yaml)
                .doesNotContain("bind-secret-1")
                .doesNotContain("trust-secret-2")
                .contains("bindPassword: \"******\"")
                .contains("trustStorePassword: \"******\"");
        PatgateConfig reloaded = PatgateConfig.load(
                write(yaml),
                Map.of(
                        "PATGATE_DIRECTORY_LDAP_BINDPASSWORD", "bind-secret-1",
                        "PATGATE_DIRECTORY_LDAP_TRUSTSTOREPASSWORD", "trust-secret-2"));
        assertThat(reloaded).isEqualTo(config);
        assertThat(config.directory().toString())
                .doesNotContain("bind-secret-1")
                .doesNotContain("trust-secret-2");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "config", ".yml"), yaml);
    }
}
