package org.patgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@link Database#open} failures: clear, naming the URL, never showing the password. */
class DatabaseOpenFailureTest {

    static final String SECRET = "Top-Secret-Passw0rd";

    @Test
    void unreachableServerFailsNamingTheUrlButNotThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/patgate?connectTimeout=2";

        assertThatThrownBy(() -> Database.open(url, "patgate", SECRET, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(url)
                .satisfies(DatabaseOpenFailureTest::revealsNoSecret);
    }

    @Test
    void passwordInTheUrlIsRedactedFromMessages() {
        String url = "jdbc:postgresql://127.0.0.1:1/patgate?user=x&password=" + SECRET;

        assertThatThrownBy(() -> Database.open(url, "x", null, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("password=***")
                .satisfies(DatabaseOpenFailureTest::revealsNoSecret);
    }

    @Test
    void unsupportedUrlsAndPoolSizesAreRefused() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/patgate", "u", SECRET, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("jdbc:mysql://localhost/patgate")
                .satisfies(DatabaseOpenFailureTest::revealsNoSecret);
        assertThatThrownBy(() -> Database.open("jdbc:h2:mem:unused", "sa", "", 0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("pool size");
    }

    static void revealsNoSecret(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
        }
    }
}
