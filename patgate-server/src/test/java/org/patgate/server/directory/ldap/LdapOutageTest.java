package org.patgate.server.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.LdapSettings;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.LdapTest;
import org.patgate.server.testing.MutableClock;

/** The directory goes away and comes back on the same port; the clock is moved by hand. */
@LdapTest
@EndToEndTest
class LdapOutageTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.startingNow();
    private LdapTestServer server;
    private LdapDirectory directory;

    @BeforeEach
    void start() throws Exception {
        server = LdapTestServer.start(TestTrees.OPENLDAP_BASE, TestTrees.OPENLDAP, true);
        directory = LdapDirectory.connect(settings(server.url()), clock);
    }

    @AfterEach
    void stop() {
        directory.close();
        server.close();
    }

    private static LdapSettings settings(URI url) {
        return LdapSettings.openLdapPreset(
                        List.of(url),
                        LdapTestServer.SERVICE_DN,
                        LdapTestServer.SERVICE_PASSWORD,
                        TestTrees.OPENLDAP_BASE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), TTL);
    }

    @Test
    void loginDuringOutageFailsWithAClearMessage() {
        assertThat(directory.authenticate("alice", "alice-pass".toCharArray())).isPresent();
        server.stop();

        assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageStartingWith("LDAP directory unavailable (" + List.of(server.url()) + "), login failed")
                .hasMessageNotContaining("alice-pass")
                .hasMessageNotContaining(LdapTestServer.SERVICE_PASSWORD);
        DirectoryStatus status = directory.status();
        assertThat(status.reachable()).isFalse();
        assertThat(status.lastError()).isNotBlank().doesNotContain(LdapTestServer.SERVICE_PASSWORD);
    }

    @Test
    void lookupIsServedFromCacheWithinTtlThenFailsClosed() {
        assertThat(directory.lookup("alice")).isPresent();
        server.stop();

        clock.advance(TTL.minusSeconds(1));
        assertThat(directory.lookup("alice").orElseThrow().groups()).contains("developers");

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> directory.lookup("alice"))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("lookup of a user failed");
    }

    @Test
    void successfulLoginFillsTheCacheForLookups() {
        directory.authenticate("bob", "bob-pass".toCharArray());
        server.stop();

        assertThat(directory.lookup("bob")).map(DirectoryUser::displayName).contains("Bob Baker");
    }

    @Test
    void uncachedLookupDuringOutageFailsClosed() {
        server.stop();

        assertThatThrownBy(() -> directory.lookup("carol")).isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void directoryIsUsableAgainAfterTheServerRestarts() throws Exception {
        assertThat(directory.authenticate("alice", "alice-pass".toCharArray())).isPresent();
        server.stop();
        assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                .isInstanceOf(DirectoryUnavailableException.class);

        server.restart();

        assertThat(directory.authenticate("alice", "alice-pass".toCharArray())).isPresent();
        clock.advance(TTL);
        assertThat(directory.lookup("bob")).isPresent();
        assertThat(directory.status().reachable()).isTrue();
    }

    @Test
    void pooledConnectionsDroppedByARestartAreReplacedTransparently() throws Exception {
        assertThat(directory.lookup("alice")).isPresent();
        server.stop();
        server.restart();
        clock.advance(TTL);

        assertThat(directory.lookup("alice")).isPresent();
    }

    @Test
    void connectingWhileTheServerIsDownSucceedsAndRecoversLater() throws Exception {
        server.stop();
        try (LdapDirectory early = LdapDirectory.connect(settings(server.url()), clock)) {
            assertThat(early.status().reachable()).isFalse();
            assertThat(early.testConnection().reachable()).isFalse();
            assertThatThrownBy(() -> early.authenticate("alice", "alice-pass".toCharArray()))
                    .isInstanceOf(DirectoryUnavailableException.class);

            server.restart();

            assertThat(early.authenticate("alice", "alice-pass".toCharArray())).isPresent();
        }
    }

    @Test
    void secondServerIsUsedWhenTheFirstIsDown() throws Exception {
        server.stop();
        try (LdapTestServer second = LdapTestServer.start(TestTrees.OPENLDAP_BASE, TestTrees.OPENLDAP, true);
                LdapDirectory failover = LdapDirectory.connect(
                        settings(server.url()).withUrls(List.of(server.url(), second.url())), clock)) {
            assertThat(failover.authenticate("alice", "alice-pass".toCharArray()))
                    .isPresent();
            assertThat(failover.status().serverUrl()).isEqualTo(second.url().toString());
        }
    }

    @Test
    void closedDirectoryRefusesCalls() {
        directory.close();

        assertThatThrownBy(() -> directory.authenticate("alice", "alice-pass".toCharArray()))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("closed");
    }
}
