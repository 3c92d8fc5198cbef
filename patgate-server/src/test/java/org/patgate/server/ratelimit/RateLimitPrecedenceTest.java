package org.patgate.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Which limit applies, through the management API and at the gateway: the token's own before the
 * user's before the groups', the most restrictive group window naming its group; an owner may not
 * give a token more than would apply otherwise; bad values are refused with 400 naming the field.
 */
@EndToEndTest
class RateLimitPrecedenceTest {

    static final String API = "/.patgate/api/v1";
    static final String ME = "/rest/api/2/myself";
    static final String PASSWORD = "user-password-123";

    @RegisterExtension
    final RunningGateway gw = RunningGateway.builder()
            .user("bob", PASSWORD, "ci", "ops")
            .user("carol", PASSWORD, "ci")
            .build();

    Answer admin(String method, String path, Object body) {
        return gw.server.asAdmin(method, API + path, body);
    }

    JsonNode token(String owner, Map<String, Object> body) {
        return gw.server.createToken(owner, PASSWORD, body);
    }

    JsonNode applies(String tokenId) {
        Answer answer = admin("GET", "/tokens/" + tokenId, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("rateLimit");
    }

    @Test
    void theTokensOwnLimitBeatsTheUsersWhichBeatsTheGroups() {
        assertThat(admin("PUT", "/policies/groups/ci", Map.of("rateLimitPerMinute", 100))
                        .status())
                .isEqualTo(200);
        JsonNode token = token("bob", Map.of("name", "bobs", "scope", "read-write"));
        String id = token.get("id").asText();
        assertThat(applies(id).path("perMinute").asInt()).isEqualTo(100);
        assertThat(applies(id).path("setBy").asText()).isEqualTo("group 'ci'");

        assertThat(admin("PUT", "/users/bob/rate-limit", Map.of("perMinute", 50))
                        .status())
                .isEqualTo(200);
        assertThat(applies(id).path("perMinute").asInt()).isEqualTo(50);
        assertThat(applies(id).path("setBy").asText()).isEqualTo("user 'bob'");
        assertThat(applies(id).path("shared").asBoolean()).isTrue();

        assertThat(admin("PUT", "/tokens/" + id + "/rate-limit", Map.of("perMinute", 2))
                        .status())
                .isEqualTo(200);
        assertThat(applies(id).path("perMinute").asInt()).isEqualTo(2);
        assertThat(applies(id).path("setBy").asText()).isEqualTo("the token");
        // At the gateway, at once: the change forgot the cached token.
        String secret = token.get("token").asText();
        assertThat(gw.bearer("GET", ME, secret).headers().firstValue("RateLimit-Policy"))
                .hasValue("\"per-minute\";q=2;w=60");

        assertThat(admin("DELETE", "/tokens/" + id + "/rate-limit", null).status())
                .isEqualTo(204);
        assertThat(gw.bearer("GET", ME, secret).headers().firstValue("RateLimit-Policy"))
                .hasValue("\"per-minute\";q=50;w=60");
        assertThat(admin("DELETE", "/users/bob/rate-limit", null).status()).isEqualTo(204);
        assertThat(applies(id).path("setBy").asText()).isEqualTo("group 'ci'");
    }

    @Test
    void aUserLimitIsOneCountForAllTheirTokens() {
        assertThat(admin("PUT", "/users/carol/rate-limit", Map.of("perMinute", 2))
                        .status())
                .isEqualTo(200);
        String first = token("carol", Map.of("name", "one", "scope", "read-write"))
                .get("token")
                .asText();
        String second = token("carol", Map.of("name", "two", "scope", "read-write"))
                .get("token")
                .asText();

        assertThat(gw.bearer("GET", ME, first).status()).isEqualTo(200);
        assertThat(gw.bearer("GET", ME, second).status()).isEqualTo(200);
        Answer third = gw.bearer("GET", ME, first);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().path("detail").asText()).contains("2 requests per minute, set by user 'carol'");
    }

    @Test
    void theMostRestrictiveGroupWindowWinsAndNamesItsGroup() {
        admin("PUT", "/policies/groups/ci", Map.of("rateLimitPerMinute", 100, "rateLimitPerDay", 1000));
        admin("PUT", "/policies/groups/ops", Map.of("rateLimitPerMinute", 40));
        String id = token("bob", Map.of("name", "both", "scope", "read-write"))
                .get("id")
                .asText();

        JsonNode limit = applies(id);

        assertThat(limit.path("perMinute").asInt()).isEqualTo(40);
        assertThat(limit.path("perDay").asInt()).isEqualTo(1000);
        assertThat(limit.path("setBy").asText()).isEqualTo("group 'ops', group 'ci'");
    }

    @Test
    void anOwnerCannotGiveATokenMoreThanWouldApplyOtherwise() {
        admin("PUT", "/policies/groups/ci", Map.of("rateLimitPerMinute", 100));

        Answer higher = gw.server.call(
                "POST",
                API + "/tokens",
                "carol",
                PASSWORD,
                Map.of("name", "greedy", "scope", "read-write", "rateLimit", Map.of("perMinute", 500)));
        Answer unlimited = gw.server.call(
                "POST",
                API + "/tokens",
                "carol",
                PASSWORD,
                Map.of("name", "greedy", "scope", "read-write", "rateLimit", Map.of("perDay", 5)));

        assertThat(higher.status()).isEqualTo(400);
        assertThat(higher.json().path("detail").asText())
                .contains("500 requests per minute (at most 100)")
                .contains("group 'ci'");
        assertThat(unlimited.status())
                .as("leaving the group's minute window out would lift it")
                .isEqualTo(400);
        Answer list = gw.server.call("GET", API + "/tokens?owner=carol", "carol", PASSWORD, null);
        assertThat(list.json().path("total").asInt()).as("no token left behind").isZero();

        JsonNode lower =
                token("carol", Map.of("name", "modest", "scope", "read-write", "rateLimit", Map.of("perMinute", 10)));
        Answer raise = gw.server.call(
                "PUT",
                API + "/tokens/" + lower.get("id").asText() + "/rate-limit",
                "carol",
                PASSWORD,
                Map.of("perMinute", 101));
        Answer admins = admin("PUT", "/tokens/" + lower.get("id").asText() + "/rate-limit", Map.of("perMinute", 5000));

        assertThat(raise.status()).isEqualTo(400);
        assertThat(admins.status()).as("an administrator may set any limit").isEqualTo(200);
    }

    @Test
    void badValuesAre400NamingTheField() {
        String id = gw.readWriteId();
        Map<String, Map<String, Object>> bad = Map.of(
                "perMinute", Map.of("perMinute", 0),
                "perSecond", Map.of("perSecond", -1),
                "perDay", Map.of("perDay", 10_000_001),
                "burst", Map.of("perSecond", 10, "burst", 5));

        bad.forEach((field, body) -> {
            Answer answer = admin("PUT", "/tokens/" + id + "/rate-limit", body);
            assertThat(answer.status()).as(field + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(answer.json().path("errors").has(field))
                    .as(answer.body())
                    .isTrue();
        });
        Answer burstAlone = admin("PUT", "/users/alice/rate-limit", Map.of("burst", 5));
        Answer policy = admin("PUT", "/policies/groups/ci", Map.of("rateLimitPerSecond", 0));
        Answer unknown = admin("PUT", "/users/alice/rate-limit", Map.of("perHour", 5));

        assertThat(burstAlone.status()).isEqualTo(400);
        assertThat(burstAlone.json().path("detail").asText()).contains("burst").contains("perSecond");
        assertThat(policy.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(400);
    }
}
