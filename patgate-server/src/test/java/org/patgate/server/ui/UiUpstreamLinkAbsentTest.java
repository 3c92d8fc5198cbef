package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/**
 * Outside identity mode {@code upstream-token} there is no "Link your account" page: every route
 * under it answers 404, for GET and for a form post with a valid CSRF token, and neither the
 * navigation nor the tokens page mentions linking.
 */
@EndToEndTest
class UiUpstreamLinkAbsentTest {

    private static final String PASSWORD = "gina-password-123";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().withUpstream().user("gina", PASSWORD).build();

    @Test
    void theLinkPageAndItsFormsDoNotExist() {
        UiClient gina = UiClient.signedIn(server.baseUri(), "gina", PASSWORD);
        assertThat(gina.get("/.patgate/upstream-link").status()).isEqualTo(404);
        String csrf = gina.csrf();
        for (String action : new String[] {"paste", "mint", "unlink"}) {
            UiClient.Answer answer = gina.post(
                    "/.patgate/upstream-link/" + action,
                    Map.of("_csrf", csrf, "token", "x", "password", "y", "consent", "yes"));
            assertThat(answer.status()).as(action).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("Exception");
        }
        String tokens = gina.get("/.patgate/tokens").body();
        assertThat(tokens).doesNotContain("upstream-link").doesNotContain("link-hint");
    }
}
