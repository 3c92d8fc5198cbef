package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.config.ConfigException;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.config.LdapSettings.Security;
import org.patgate.server.directory.ldap.LdapTestServer.Tls;
import org.patgate.server.directory.ldap.LdapTestServer.Transport;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.LdapTest;

/** LDAPS and StartTLS with a self-signed certificate generated here and trusted through a trust store file. */
@LdapTest
@EndToEndTest
class LdapTlsTest {

    @TempDir
    static Path dir;

    private static Tls tls;
    private static Tls otherHost;

    @BeforeAll
    static void generateCertificate() throws Exception {
        tls = Tls.generate(dir);
        otherHost = Tls.generateForOtherHost(dir);
    }

    private static LdapSettings settings(URI url, Security security, Path trustStore, String password) {
        return LdapSettings.openLdapPreset(
                        List.of(url),
                        LdapTestServer.SERVICE_DN,
                        LdapTestServer.SERVICE_PASSWORD,
                        TestTrees.OPENLDAP_BASE)
                .withSecurity(security, trustStore, password);
    }

    @Test
    void ldapsWithTrustedCertificateAuthenticates() throws Exception {
        try (LdapTestServer server = startServer(Transport.LDAPS);
                LdapDirectory directory = LdapDirectory.connect(
                        settings(server.url(), Security.LDAPS, tls.trustStore(), tls.trustStorePassword()))) {
            assertThat(directory.authenticate("alice", "alice-pass".toCharArray()))
                    .isPresent();
            assertThat(directory.status().serverUrl()).startsWith("ldaps://");
        }
    }

    @Test
    void startTlsWithTrustedCertificateAuthenticates() throws Exception {
        try (LdapTestServer server = startServer(Transport.STARTTLS);
                LdapDirectory directory = LdapDirectory.connect(
                        settings(server.url(), Security.STARTTLS, tls.trustStore(), tls.trustStorePassword()))) {
            assertThat(directory.authenticate("alice", "alice-pass".toCharArray()))
                    .isPresent();
            assertThat(directory.authenticate("alice", "wrong".toCharArray())).isEmpty();
            assertThat(directory.testConnection().reachable()).isTrue();
        }
    }

    @Test
    void ldapsCertificateNotInTheTrustStoreIsRefused() throws Exception {
        try (LdapTestServer server = startServer(Transport.LDAPS);
                LdapDirectory directory = LdapDirectory.connect(settings(server.url(), Security.LDAPS, null, null))) {
            assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                    .isInstanceOf(DirectoryUnavailableException.class)
                    .hasMessageContaining(server.url().toString());
            assertThat(directory.testConnection().reachable()).isFalse();
        }
    }

    @Test
    void startTlsCertificateNotInTheTrustStoreIsRefusedBeforeAnyBind() throws Exception {
        try (LdapTestServer server = startServer(Transport.STARTTLS);
                LdapDirectory directory =
                        LdapDirectory.connect(settings(server.url(), Security.STARTTLS, null, null))) {
            assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                    .isInstanceOf(DirectoryUnavailableException.class);
            assertThat(server.searchFilters()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Transport.class,
            names = {"LDAPS", "STARTTLS"})
    void trustedCertificateForAnotherHostNameIsRefused(Transport transport) throws Exception {
        Security security = transport == Transport.LDAPS ? Security.LDAPS : Security.STARTTLS;
        try (LdapTestServer server =
                        LdapTestServer.start(TestTrees.OPENLDAP_BASE, TestTrees.OPENLDAP, true, transport, otherHost);
                LdapDirectory directory = LdapDirectory.connect(
                        settings(server.url(), security, otherHost.trustStore(), otherHost.trustStorePassword()))) {
            DirectoryStatus status = directory.testConnection();

            assertThat(status.reachable()).isFalse();
            assertThat(status.lastError()).contains("host name verification failed");
            assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                    .isInstanceOf(DirectoryUnavailableException.class);
        }
    }

    @Test
    void unreadableTrustStoreFailsAtConnect() {
        Path missing = dir.resolve("missing.p12");

        assertThatThrownBy(() -> LdapDirectory.connect(
                        settings(URI.create("ldaps://127.0.0.1:1"), Security.LDAPS, missing, "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.trustStore");
    }

    @Test
    void wrongTrustStorePasswordFailsAtConnectWithoutEchoingIt() {
        assertThatThrownBy(() -> LdapDirectory.connect(settings(
                        URI.create("ldaps://127.0.0.1:1"), Security.LDAPS, tls.trustStore(), "wrong-trust-pass")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("directory.ldap.trustStore")
                .hasMessageNotContaining("wrong-trust-pass");
    }

    @Test
    void trustStoreWithoutCertificatesIsRefused() throws Exception {
        Path empty = dir.resolve("empty.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var out = Files.newOutputStream(empty)) {
            store.store(out, "pw".toCharArray());
        }

        assertThatThrownBy(() ->
                        LdapDirectory.connect(settings(URI.create("ldaps://127.0.0.1:1"), Security.LDAPS, empty, "pw")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds no certificate");
    }

    private static LdapTestServer startServer(Transport transport) throws Exception {
        return LdapTestServer.start(TestTrees.OPENLDAP_BASE, TestTrees.OPENLDAP, true, transport, tls);
    }
}
