package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/** Every way a management API call can go wrong answers RFC 9457 problem+json with a useful detail. */
@EndToEndTest
class ApiErrorsTest {

    private static final String API = "/.patgate/api/v1";
    private static final String PASSWORD = "erin-password-1234";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .env(Map.of("PATGATE_API_MAXBODYBYTES", "2048"))
            .user("erin", PASSWORD)
            .build();

    static Stream<Arguments> badTokenRequests() {
        return Stream.of(
                Arguments.of("unknown field", "{\"name\":\"x\",\"colour\":\"red\"}", 400, "colour"),
                Arguments.of("wrong type for name", "{\"name\":5}", 400, "name"),
                Arguments.of(
                        "wrong type for expiresInDays",
                        "{\"name\":\"x\",\"expiresInDays\":\"7\"}",
                        400,
                        "expiresInDays"),
                Arguments.of(
                        "fractional expiresInDays", "{\"name\":\"x\",\"expiresInDays\":1.5}", 400, "expiresInDays"),
                Arguments.of(
                        "allowedIps not a list", "{\"name\":\"x\",\"allowedIps\":\"10.0.0.0/8\"}", 400, "allowedIps"),
                Arguments.of("malformed JSON", "{\"name\":", 400, "malformed JSON"),
                Arguments.of("trailing garbage", "{\"name\":\"x\"} {}", 400, ""),
                Arguments.of("duplicate keys", "{\"name\":\"x\",\"name\":\"y\"}", 400, ""),
                Arguments.of("array instead of object", "[1,2]", 400, ""),
                Arguments.of("JSON null", "null", 400, ""),
                Arguments.of("empty body", "", 400, "empty"),
                Arguments.of("missing name", "{\"scope\":\"read-only\"}", 400, "name"),
                Arguments.of("blank name", "{\"name\":\"   \"}", 400, "name"),
                Arguments.of("name too long", "{\"name\":\"" + "n".repeat(101) + "\"}", 400, "name"),
                Arguments.of("control character in name", "{\"name\":\"a\\u0000b\"}", 400, "name"),
                Arguments.of("unknown scope", "{\"name\":\"x\",\"scope\":\"admin\"}", 400, "scope"),
                Arguments.of(
                        "date without offset",
                        "{\"name\":\"x\",\"expiresAt\":\"2030-01-01T00:00:00\"}",
                        400,
                        "expiresAt"),
                Arguments.of("not a date", "{\"name\":\"x\",\"expiresAt\":\"tomorrow\"}", 400, "expiresAt"),
                Arguments.of(
                        "expiry in the past",
                        "{\"name\":\"x\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}",
                        400,
                        "expiresAt"),
                Arguments.of(
                        "both expiry forms",
                        "{\"name\":\"x\",\"expiresAt\":\"2099-01-01T00:00:00Z\",\"expiresInDays\":3}",
                        400,
                        "expiresAt"),
                Arguments.of("zero days", "{\"name\":\"x\",\"expiresInDays\":0}", 400, "expiresInDays"),
                Arguments.of("too many days", "{\"name\":\"x\",\"expiresInDays\":100000}", 400, "expiresInDays"),
                Arguments.of("prefix too long", "{\"name\":\"x\",\"allowedIps\":[\"10.0.0.0/33\"]}", 400, "allowedIps"),
                Arguments.of("host name as IP", "{\"name\":\"x\",\"allowedIps\":[\"example.com\"]}", 400, "allowedIps"),
                Arguments.of("unknown owner", "{\"name\":\"x\",\"owner\":\"nobody-here\"}", 403, ""),
                Arguments.of("oversized body", "{\"name\":\"" + "x".repeat(4000) + "\"}", 413, "2048"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokenRequests")
    void badTokenRequestAnswersProblem(String trick, String body, int status, String detailMentions) {
        Answer answer = server.call("POST", API + "/tokens", "erin", PASSWORD, body);

        assertProblem(answer, status, detailMentions);
    }

    @Test
    void wrongMediaTypeIs415() {
        Map<String, String> headers = new HashMap<>(
                Map.of("Authorization", TestServer.basic("erin", PASSWORD), "Content-Type", "text/plain"));
        assertProblem(server.raw("POST", API + "/tokens", headers, "{\"name\":\"x\"}"), 415, "application/json");
    }

    @Test
    void missingCredentialsIs401WithBasicChallenge() {
        Answer answer = server.call("GET", API + "/tokens", null, null, null);

        assertProblem(answer, 401, "Basic");
        assertThat(answer.headers().firstValue("www-authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void wrongPasswordIs401AndDoesNotSayWhichPartWasWrong() {
        Answer wrongPassword = server.call("GET", API + "/tokens", "erin", "wrong-password-99", null);
        Answer unknownUser = server.call("GET", API + "/tokens", "nobody", "wrong-password-99", null);

        assertProblem(wrongPassword, 401, "");
        assertThat(wrongPassword.json().get("detail"))
                .isEqualTo(unknownUser.json().get("detail"));
    }

    @Test
    void malformedBasicCredentialsAre401() {
        Answer answer = server.raw("GET", API + "/tokens", Map.of("Authorization", "Basic !!!notbase64"), null);
        assertProblem(answer, 401, "");
        Answer bearer = server.raw("GET", API + "/tokens", Map.of("Authorization", "Bearer abc"), null);
        assertProblem(bearer, 401, "Basic");
    }

    @Test
    void unknownRouteIs404() {
        assertProblem(server.call("GET", API + "/nothing-here", "erin", PASSWORD, null), 404, "");
        assertProblem(server.call("GET", "/.patgate/unknown", null, null, null), 404, "");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Answer answer = server.call("PUT", API + "/tokens", "erin", PASSWORD, "{}");

        assertProblem(answer, 405, "GET, POST");
        assertThat(answer.headers().firstValue("allow")).hasValue("GET, POST");
    }

    @Test
    void badQueryParametersAre400() {
        assertProblem(server.call("GET", API + "/tokens?page=0", "erin", PASSWORD, null), 400, "page");
        assertProblem(server.call("GET", API + "/tokens?size=abc", "erin", PASSWORD, null), 400, "size");
        assertProblem(server.call("GET", API + "/tokens?size=1&size=2", "erin", PASSWORD, null), 400, "size");
        assertProblem(server.call("GET", API + "/tokens?status=sleeping", "erin", PASSWORD, null), 400, "status");
        assertProblem(server.asAdmin("GET", API + "/audit?from=yesterday", null), 400, "from");
    }

    @Test
    void nonAdminsCannotManageUsersOrReadAudit() {
        assertProblem(
                server.call(
                        "POST",
                        API + "/users",
                        "erin",
                        PASSWORD,
                        Map.of("username", "mallory", "password", "mallory-password")),
                403,
                "administrators");
        assertProblem(server.call("GET", API + "/users", "erin", PASSWORD, null), 403, "");
        assertProblem(server.call("GET", API + "/audit", "erin", PASSWORD, null), 403, "");
    }

    @Test
    void badUserRequestsAre400Or409() {
        assertProblem(
                server.asAdmin("POST", API + "/users", Map.of("username", "short", "password", "short")),
                400,
                "password");
        assertProblem(
                server.asAdmin(
                        "POST", API + "/users", Map.of("username", "bad name!", "password", "long-enough-password")),
                400,
                "username");
        assertProblem(
                server.asAdmin("POST", API + "/users", Map.of("username", "ERIN", "password", "long-enough-password")),
                409,
                "already exists");
        assertProblem(server.asAdmin("PATCH", API + "/users/erin", Map.of()), 400, "enabled");
    }

    static void assertProblem(Answer answer, int status, String detailMentions) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.json().get("title").asText()).isNotBlank();
        assertThat(answer.json().get("type").asText()).startsWith("/.patgate/problems/");
        assertThat(answer.json().get("detail").asText()).isNotBlank().contains(detailMentions);
    }
}
