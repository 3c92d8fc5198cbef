package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/** The web UI's token form refuses the same unsafe names as the API: nothing is created, the field says why. */
@EndToEndTest
class UiUnsafeNamesTest {

    static final String PASSWORD = "alice-password-123";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("alice", PASSWORD).build();

    @ParameterizedTest
    @ValueSource(strings = {"\u202e", "\u2066", "\u200f", "\n", "\u001b"})
    void theTokenFormRefusesControlAndBidiCharactersInTheName(String c) {
        UiClient alice = new UiClient(server.baseUri());
        assertThat(alice.signIn("alice", PASSWORD).status()).isEqualTo(303);

        UiClient.Answer answer = alice.post(
                "/.patgate/tokens",
                Map.of("name", "report" + c + "fdp.exe", "scope", "read-only", "_csrf", alice.csrf()));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        // (The form shows the typed name again for correction, to the user who typed it.)
        assertThat(answer.body()).contains("no control or bidirectional formatting characters (found U+");
        assertThat(server.call("GET", "/.patgate/api/v1/tokens", "alice", PASSWORD, null)
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
    }
}
