package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Outside identity mode {@code upstream-token} there are no upstream links: every link call says so
 * with a 409 naming the mode in use, for users and admins, and nothing is stored.
 */
class UpstreamLinkApiOutsideUpstreamTokenModeTest {

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("alice", "alice-password-123").build();

    @Test
    void everyLinkCallIsAConflictNamingTheModeInUse() {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            Answer mine = server.call(
                    method,
                    "/.patgate/api/v1/me/upstream-link",
                    "alice",
                    "alice-password-123",
                    method.equals("PUT") ? Map.of("token", "abc") : null);
            assertThat(mine.status()).as(method).isEqualTo(409);
            assertThat(mine.json().get("detail").asText())
                    .contains("identity.mode is header")
                    .contains("upstream-token");
            Answer theirs = server.call(
                    method,
                    "/.patgate/api/v1/users/alice/upstream-link",
                    RunningServer.ADMIN,
                    RunningServer.ADMIN_PASSWORD,
                    method.equals("PUT") ? Map.of("token", "abc") : null);
            assertThat(theirs.status()).as(method).isEqualTo(409);
        }
        assertThat(server.call("GET", "/.patgate/api/v1/users/alice/upstream-link", "alice", "alice-password-123", null)
                        .status())
                .as("not an admin")
                .isEqualTo(403);
    }
}
