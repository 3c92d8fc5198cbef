package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/** A password change or reset ends the user's other sessions: a stolen session does not outlive it. */
@EndToEndTest
class SessionEndsOnPasswordChangeTest {

    private static final String API = "/.patgate/api/v1";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder().build();

    private static UiClient signedIn(String user, String password) {
        UiClient browser = new UiClient(server.baseUri());
        assertThat(browser.signIn(user, password).status()).isEqualTo(303);
        assertThat(browser.get("/.patgate/tokens").status()).isEqualTo(200);
        return browser;
    }

    private static boolean signedOut(UiClient browser) {
        UiClient.Answer page = browser.get("/.patgate/tokens");
        return page.status() != 200 && page.location().startsWith("/.patgate/login");
    }

    private static Answer changeOwnPassword(UiClient browser, String current, String next) {
        String csrf = browser.csrf();
        String cookie = browser.cookies.entrySet().stream()
                .filter(e -> e.getKey().contains("session"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .findFirst()
                .orElseThrow();
        return server.raw(
                "POST",
                API + "/me/password",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json"),
                "{\"currentPassword\":\"" + current + "\",\"newPassword\":\"" + next + "\"}");
    }

    @Test
    void changingTheOwnPasswordInASessionKeepsThatSessionAndEndsTheOthers() {
        server.createUser("dana", "dana-password-0001");
        UiClient mine = signedIn("dana", "dana-password-0001");
        UiClient stolen = signedIn("dana", "dana-password-0001");

        Answer changed = changeOwnPassword(mine, "dana-password-0001", "dana-password-0002");

        assertThat(changed.status()).as(changed.body()).isEqualTo(204);
        assertThat(signedOut(stolen)).as("the other session ended").isTrue();
        assertThat(signedOut(mine)).as("the session that changed it stays").isFalse();
        assertThat(signedIn("dana", "dana-password-0002")).isNotNull();
    }

    @Test
    void aWrongCurrentPasswordEndsNothing() {
        server.createUser("dirk", "dirk-password-0001");
        UiClient mine = signedIn("dirk", "dirk-password-0001");
        UiClient other = signedIn("dirk", "dirk-password-0001");

        assertThat(changeOwnPassword(mine, "not-my-password", "dirk-password-0002")
                        .status())
                .isEqualTo(400);

        assertThat(signedOut(mine)).isFalse();
        assertThat(signedOut(other)).isFalse();
    }

    @Test
    void changingTheOwnPasswordWithBasicEndsEverySession() {
        server.createUser("dora", "dora-password-0001");
        UiClient first = signedIn("dora", "dora-password-0001");
        UiClient second = signedIn("dora", "dora-password-0001");

        Answer changed = server.call(
                "POST",
                API + "/me/password",
                "dora",
                "dora-password-0001",
                Map.of("currentPassword", "dora-password-0001", "newPassword", "dora-password-0002"));

        assertThat(changed.status()).as(changed.body()).isEqualTo(204);
        assertThat(signedOut(first)).isTrue();
        assertThat(signedOut(second)).isTrue();
    }

    @Test
    void anAdminResetOverTheApiEndsEverySessionOfTheTarget() {
        server.createUser("duke", "duke-password-0001");
        UiClient first = signedIn("duke", "duke-password-0001");
        UiClient second = signedIn("duke", "duke-password-0001");
        UiClient admin = signedIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

        Answer reset = server.asAdmin("PATCH", API + "/users/duke", Map.of("password", "duke-password-0002"));

        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(signedOut(first)).isTrue();
        assertThat(signedOut(second)).isTrue();
        assertThat(signedOut(admin)).as("other users' sessions stay").isFalse();
    }

    @Test
    void anAdminResetInTheUiEndsEverySessionOfTheTarget() {
        server.createUser("dean", "dean-password-0001");
        UiClient first = signedIn("dean", "dean-password-0001");
        UiClient second = signedIn("dean", "dean-password-0001");
        UiClient admin = signedIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        String csrf = admin.get("/.patgate/admin/users/dean").csrf();

        UiClient.Answer reset = admin.post(
                "/.patgate/admin/users/dean/password", Map.of("_csrf", csrf, "password", "dean-password-0002"));

        assertThat(reset.status()).as(reset.body()).isEqualTo(303);
        assertThat(signedOut(first)).isTrue();
        assertThat(signedOut(second)).isTrue();
        assertThat(signedOut(admin)).isFalse();
    }

    @Test
    void anUnrelatedChangeToTheUserEndsNoSession() {
        server.createUser("dina", "dina-password-0001");
        UiClient session = signedIn("dina", "dina-password-0001");

        assertThat(server.asAdmin("PATCH", API + "/users/dina", Map.of("displayName", "Dina D."))
                        .status())
                .isEqualTo(200);

        assertThat(signedOut(session)).isFalse();
    }
}
