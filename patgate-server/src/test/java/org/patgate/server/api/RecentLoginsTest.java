package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Scripts that call the API in parallel with Basic credentials: once verified, the same username and
 * password pass without another Argon2id check (so the password-check cap does not refuse them), for
 * as long as the user's password and state are unchanged.
 */
@EndToEndTest
class RecentLoginsTest {

    private static final String ME = "/.patgate/api/v1/me";
    private static final String PASSWORD = "script-password-123";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder().build();

    @Test
    void parallelCallsWithCredentialsVerifiedAMomentAgoAllSucceed() throws Exception {
        server.createUser("burst", PASSWORD);
        assertThat(server.call("GET", ME, "burst", PASSWORD, null).status()).isEqualTo(200);

        List<Integer> statuses = parallel(
                40, () -> server.call("GET", ME, "burst", PASSWORD, null).status());

        assertThat(statuses).containsOnly(200);
    }

    @Test
    void aChangedPasswordEndsTheRememberedLoginAtOnce() {
        server.createUser("changer", PASSWORD);
        assertThat(server.call("GET", ME, "changer", PASSWORD, null).status()).isEqualTo(200);

        Answer reset =
                server.asAdmin("PATCH", "/.patgate/api/v1/users/changer", Map.of("password", "a-new-password-456"));

        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(server.call("GET", ME, "changer", PASSWORD, null).status()).isEqualTo(401);
        assertThat(server.call("GET", ME, "changer", "a-new-password-456", null).status())
                .isEqualTo(200);
    }

    @Test
    void aDisabledOrDeletedUserIsNotLetInByARememberedLogin() {
        server.createUser("leaver", PASSWORD);
        server.createUser("gone", PASSWORD);
        assertThat(server.call("GET", ME, "leaver", PASSWORD, null).status()).isEqualTo(200);
        assertThat(server.call("GET", ME, "gone", PASSWORD, null).status()).isEqualTo(200);

        assertThat(server.asAdmin("PATCH", "/.patgate/api/v1/users/leaver", Map.of("enabled", false))
                        .status())
                .isEqualTo(200);
        assertThat(server.asAdmin("DELETE", "/.patgate/api/v1/users/gone", null).status())
                .isIn(200, 204);

        assertThat(server.call("GET", ME, "leaver", PASSWORD, null).status()).isEqualTo(401);
        assertThat(server.call("GET", ME, "gone", PASSWORD, null).status()).isEqualTo(401);
    }

    @Test
    void onlyTheExactPasswordIsRemembered() {
        server.createUser("exact", PASSWORD);
        assertThat(server.call("GET", ME, "exact", PASSWORD, null).status()).isEqualTo(200);

        for (String guess : List.of(PASSWORD + " ", PASSWORD.toUpperCase(), PASSWORD.substring(1), "")) {
            assertThat(server.call("GET", ME, "exact", guess, null).status())
                    .as("'%s'", guess)
                    .isEqualTo(401);
        }
        // Another user's name with this user's password is not this login either.
        server.createUser("other", "other-password-789");
        assertThat(server.call("GET", ME, "other", PASSWORD, null).status()).isEqualTo(401);
    }

    private static <T> List<T> parallel(int count, Callable<T> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }
}
