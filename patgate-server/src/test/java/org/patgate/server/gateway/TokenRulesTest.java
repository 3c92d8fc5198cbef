package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Fine-grained rules per token: the "Jira: read issues and search only" preset and custom
 * allow/deny lists, with the gateway's path and method tricks re-run against the rules.
 */
@EndToEndTest
class TokenRulesTest {

    static final String TOKENS = "/.patgate/api/v1/tokens";

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    static String jira;
    static String custom;

    @BeforeAll
    static void start() throws Exception {
        jira = create(Map.of(
                        "name",
                        "report",
                        "scope",
                        "read-write",
                        "rules",
                        Map.of("preset", "jira-read-issues-and-search")))
                .get("token")
                .asText();
        custom = create(Map.of(
                        "name",
                        "custom",
                        "scope",
                        "read-write",
                        "rules",
                        Map.of(
                                "allow",
                                        List.of(Map.of(
                                                "methods", List.of("GET", "PUT"), "path", "/rest/api/2/issue/*")),
                                "deny",
                                        List.of(Map.of(
                                                "methods", List.of("PUT"), "path", "/rest/api/2/issue/LOCKED-1")))))
                .get("token")
                .asText();
    }

    static JsonNode create(Map<String, Object> body) {
        Answer created = gw.server.call("POST", TOKENS, "alice", RunningGateway.ALICE_PASSWORD, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    @Test
    void jiraReadIssuesAndSearchPresetAllowsExactlyThat() {
        assertThat(gw.bearer("GET", "/rest/api/2/issue/X-1", jira).status()).isEqualTo(200);
        assertThat(gw.send(
                                "POST",
                                "/rest/api/2/search",
                                Map.of("Authorization", "Bearer " + jira, "Content-Type", "application/json"),
                                "{\"jql\":\"project=X\"}")
                        .status())
                .isEqualTo(200);
        assertThat(gw.upstream.received()).hasSize(2);
        gw.upstream.clear();

        assertThat(gw.send(
                                "POST",
                                "/rest/api/2/issue",
                                Map.of("Authorization", "Bearer " + jira, "Content-Type", "application/json"),
                                "{}")
                        .status())
                .isEqualTo(403);
        assertThat(gw.bearer("GET", "/rest/api/2/user", jira).status()).isEqualTo(403);
        assertThat(gw.bearer("DELETE", "/rest/api/2/issue/X-1", jira).status()).isEqualTo(403);
        assertThat(gw.bearer("GET", "/secure/Dashboard.jspa", jira).status())
                .as("rules apply everywhere")
                .isEqualTo(403);
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void rulesAreShownOnTheTokenAndUnknownPresetsRefused() {
        JsonNode listed = gw.server
                .call("GET", TOKENS + "?q=report", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json()
                .get("items")
                .get(0);
        assertThat(listed.get("rules").get("preset").asText()).isEqualTo("jira-read-issues-and-search");
        assertThat(listed.get("rules").get("allow")).isNotEmpty();

        JsonNode presets = gw.server
                .call("GET", "/.patgate/api/v1/presets", "alice", RunningGateway.ALICE_PASSWORD, null)
                .json()
                .get("items");
        assertThat(presets)
                .extracting(p -> p.get("name").asText())
                .contains(
                        "jira-read-issues-and-search", "jira-read-only", "confluence-read-only", "bitbucket-read-only");

        Answer unknown = gw.server.call(
                "POST",
                TOKENS,
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of("name", "x", "rules", Map.of("preset", "everything")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asText()).contains("jira-read-issues-and-search");
        Answer badPattern = gw.server.call(
                "POST",
                TOKENS,
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of("name", "x", "rules", Map.of("allow", List.of(Map.of("path", "/rest/../admin")))));
        assertThat(badPattern.status()).isEqualTo(400);
        assertThat(badPattern.json().get("detail").asText()).startsWith("rules.allow[0]");
        Answer badMethod = gw.server.call(
                "POST",
                TOKENS,
                "alice",
                RunningGateway.ALICE_PASSWORD,
                Map.of(
                        "name",
                        "x",
                        "rules",
                        Map.of("allow", List.of(Map.of("methods", List.of("get"), "path", "/x")))));
        assertThat(badMethod.status()).isEqualTo(400);
    }

    @Test
    void denyRulesWinOverAllowRules() {
        assertThat(gw.bearer("GET", "/rest/api/2/issue/LOCKED-1", custom).status())
                .isEqualTo(200);
        assertThat(gw.send(
                                "PUT",
                                "/rest/api/2/issue/OPEN-1",
                                Map.of("Authorization", "Bearer " + custom, "Content-Type", "application/json"),
                                "{}")
                        .status())
                .isEqualTo(200);
        assertThat(gw.send(
                                "PUT",
                                "/rest/api/2/issue/LOCKED-1",
                                Map.of("Authorization", "Bearer " + custom, "Content-Type", "application/json"),
                                "{}")
                        .status())
                .isEqualTo(403);
        assertThat(gw.bearer("GET", "/rest/api/2/issue/A-1/comment", custom).status())
                .as("'*' is exactly one segment")
                .isEqualTo(403);
    }

    static Stream<Arguments> tricks() {
        return Stream.of(
                Arguments.of("dot-dot from issue to user", "GET", "/rest/api/2/issue/X-1/../../user"),
                Arguments.of("encoded dot-dot", "GET", "/rest/api/2/issue/%2e%2e/%2e%2e/user"),
                Arguments.of("dot-dot-semicolon", "GET", "/rest/api/2/issue/..;/..;/user"),
                Arguments.of("encoded slash", "GET", "/rest/api/2/issue%2F..%2F..%2Fuser"),
                Arguments.of("double-encoded slash", "GET", "/rest/api/2/issue%252F..%252F..%252Fuser"),
                Arguments.of("search then dot-dot to issue create", "POST", "/rest/api/2/search/../issue"),
                Arguments.of("search parameter then dot-dot", "POST", "/rest/api/2/search;x=1/../issue"),
                Arguments.of("encoded semicolon", "POST", "/rest/api/2/search%3B/../issue"),
                Arguments.of("backslash", "GET", "/rest/api/2/issue\\..\\..\\user"),
                Arguments.of("overlong dot", "GET", "/rest/api/2/issue/%C0%AE%C0%AE/%C0%AE%C0%AE/user"),
                Arguments.of("NUL", "GET", "/rest/api/2/user%00/issue/X-1"),
                Arguments.of("upper-case path", "GET", "/REST/api/2/user"),
                Arguments.of("lower-case method", "get", "/rest/api/2/user"),
                Arguments.of("HEAD where GET is not allowed", "HEAD", "/rest/api/2/user"),
                Arguments.of("double slash", "GET", "//rest/api/2/user"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tricks")
    void bypassTricksAreRefusedAgainstRules(String trick, String method, String target) {
        String body = method.equals("POST") ? "{}" : null;
        String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + gw.base().getPort()
                + "\r\nAuthorization: Bearer " + jira + "\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: 2\r\n")
                + "Connection: close\r\n\r\n" + (body == null ? "" : body);

        RawHttp.RawAnswer answer = RawHttp.send(gw.base(), request);

        assertThat(answer.status()).as(answer.text()).isIn(400, 403, 405);
        assertThat(gw.upstream.received())
                .as("the upstream must receive nothing")
                .isEmpty();
    }

    @Test
    void methodOverrideIsRefusedForTokensWithRules() {
        Answer answer = gw.send(
                "GET",
                "/rest/api/2/issue/X-1",
                Map.of("Authorization", "Bearer " + jira, "X-HTTP-Method-Override", "DELETE"),
                null);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(gw.upstream.received()).isEmpty();
    }

    @ParameterizedTest(name = "form body {0} is refused for a token with rules")
    @ValueSource(
            strings = {
                "_method=DELETE",
                "a=1&_method=DELETE",
                "_METHOD=DELETE",
                "%5Fmethod=DELETE",
                "%5f%6Dethod=PUT",
                "+_method=DELETE",
                "_method",
                "x=%26&_method=delete"
            })
    void methodOverrideInAFormBodyIsRefusedForTokensWithRules(String form) {
        String poster = create(Map.of(
                        "name",
                        "commenter " + form.hashCode(),
                        "scope",
                        "read-write",
                        "rules",
                        Map.of(
                                "allow",
                                List.of(
                                        Map.of("methods", List.of("POST"), "path", "/rest/api/2/issue/*/comment"),
                                        Map.of("methods", List.of("POST"), "path", "/outside/**")))))
                .get("token")
                .asText();
        for (String path : List.of("/rest/api/2/issue/X-1/comment", "/outside/form")) {
            Answer answer = gw.send(
                    "POST",
                    path,
                    Map.of(
                            "Authorization",
                            "Bearer " + poster,
                            "Content-Type",
                            "application/x-www-form-urlencoded; charset=UTF-8"),
                    form);

            assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(403);
            assertThat(answer.body()).contains("method overrides");
        }
        assertThat(gw.upstream.received()).isEmpty();

        // The same token's ordinary form and a JSON body naming _method pass, unchanged.
        Answer plain = gw.send(
                "POST",
                "/rest/api/2/issue/X-1/comment",
                Map.of("Authorization", "Bearer " + poster, "Content-Type", "application/x-www-form-urlencoded"),
                "body=method&x_method=1");
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        Answer json = gw.send(
                "POST",
                "/rest/api/2/issue/X-1/comment",
                Map.of("Authorization", "Bearer " + poster, "Content-Type", "application/json"),
                "{\"_method\":\"DELETE\"}");
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        assertThat(gw.upstream.received())
                .extracting(r -> r.bodyBytes())
                .containsExactly((long) "body=method&x_method=1".length(), (long) "{\"_method\":\"DELETE\"}".length());
    }
}
