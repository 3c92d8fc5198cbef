package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Every name a client gives (token names, usernames, display names, group names in memberships,
 * permissions and policies) and every denial reason refuses control characters and the bidirectional formatting characters
 * that make a name display as something else: 400 problem+json naming the field, nothing stored.
 * The web UI and the CLI create through the same services, so they share this validation.
 */
@EndToEndTest
class UnsafeNamesTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";

    /** Line breaks, NUL, ESC, DEL, C1 NEL, line separator, embeddings, overrides, isolates, marks. */
    static final List<String> UNSAFE = List.of(
            "\n", "\r", "\u0000", "\u001b", "\u007f", "\u0085", "\u2028", "\u202a", "\u202b", "\u202d", "\u202e",
            "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c");

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("namer", PW)
            .user("pender", PW, "approval-needed")
            .build();

    static String pendingId;

    @BeforeAll
    static void start() {
        assertThat(server.asAdmin("PUT", API + "/policies/groups/approval-needed", Map.of("approvalRequired", true))
                        .status())
                .isEqualTo(200);
        pendingId = server.call("POST", API + "/tokens", "pender", PW, Map.of("name", "waits", "scope", "read-only"))
                .json()
                .get("id")
                .asText();
    }

    enum Field {
        TOKEN_NAME,
        USERNAME,
        DISPLAY_NAME_NEW,
        DISPLAY_NAME_CHANGED,
        GROUP_OF_USER,
        PERMISSION_GROUP,
        POLICY_GROUP,
        DENIAL_REASON
    }

    static Stream<Arguments> cases() {
        return Stream.of(Field.values())
                .flatMap(f -> UNSAFE.stream().map(c -> Arguments.of(f, String.format("U+%04X", (int) c.charAt(0)))));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void unsafeCharactersInNamesAreRefusedNamingTheField(Field field, String codePoint) {
        String c = String.valueOf((char) Integer.parseInt(codePoint.substring(2), 16));
        // The character hidden in the middle, as an attacker would: "adm<RLO>nimda" shows as something else.
        String name = "safe" + c + "txt.exe";
        Answer answer = switch (field) {
            case TOKEN_NAME ->
                server.call("POST", API + "/tokens", "namer", PW, Map.of("name", name, "scope", "read-only"));
            case USERNAME -> server.asAdmin("POST", API + "/users", Map.of("username", name, "password", PW));
            case DISPLAY_NAME_NEW ->
                server.asAdmin(
                        "POST",
                        API + "/users",
                        Map.of(
                                "username",
                                "n" + Integer.toHexString(c.charAt(0)),
                                "password",
                                PW,
                                "displayName",
                                name));
            case DISPLAY_NAME_CHANGED -> server.asAdmin("PATCH", API + "/users/namer", Map.of("displayName", name));
            case GROUP_OF_USER -> server.asAdmin("PATCH", API + "/users/namer", Map.of("groups", List.of(name)));
            case PERMISSION_GROUP ->
                server.asAdmin(
                        "PUT",
                        API + "/permissions/groups/" + encode(name),
                        Map.of("permissions", List.of("use-tokens")));
            case POLICY_GROUP ->
                server.asAdmin("PUT", API + "/policies/groups/" + encode(name), Map.of("maxActiveTokens", 1));
            case DENIAL_REASON ->
                server.asAdmin("POST", API + "/tokens/" + pendingId + "/deny", Map.of("reason", name));
        };

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        if (field == Field.PERMISSION_GROUP || field == Field.POLICY_GROUP) {
            assertThat(server.asAdmin("GET", API + "/permissions", null).body()
                            + server.asAdmin("GET", API + "/policies", null).body())
                    .as("nothing stored")
                    .doesNotContain("txt.exe");
            if (!answer.contentType().equals("application/problem+json")
                    || answer.json().get("errors") == null) {
                // A path with a raw control character (%00, %0A, %1B, ...) is refused by the HTTP layer before
                // the group name is looked at; the 400 and nothing stored is what matters there.
                assertThat(c.charAt(0)).isLessThanOrEqualTo('\u007f');
                return;
            }
        }
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("errors").fieldNames())
                .toIterable()
                .containsExactly(
                        switch (field) {
                            case TOKEN_NAME -> "name";
                            case USERNAME -> "username";
                            case DISPLAY_NAME_NEW, DISPLAY_NAME_CHANGED -> "displayName";
                            case GROUP_OF_USER -> "groups";
                            case PERMISSION_GROUP, POLICY_GROUP -> "group";
                            case DENIAL_REASON -> "reason";
                        });
        assertThat(answer.body())
                .as("the refusal does not echo the raw character")
                .doesNotContain(c);
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
