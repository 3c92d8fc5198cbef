package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;

/**
 * Usage analytics through the API: requests through the gateway, with and without a token, show in
 * {@code /usage/top} (JSON and CSV) and {@code /usage/series}; tokens' addresses in
 * {@code /tokens/{id}/addresses}; bad parameters and non-admins are refused.
 */
@EndToEndTest
class UsageApiTest {

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    private static final String ADMIN_PASSWORD = TestServer.ADMIN_PASSWORD;

    @BeforeAll
    static void traffic() {
        for (int i = 0; i < 6; i++) {
            assertThat(gw.send(
                                    "GET",
                                    "/rest/api/2/issue/DEMO-" + i,
                                    Map.of("Authorization", "Bearer " + gw.readWrite(), "User-Agent", "nightly/1.0"),
                                    null)
                            .status())
                    .isEqualTo(200);
        }
        assertThat(gw.bearer("GET", "/rest/api/2/search", gw.readOnly()).status())
                .isEqualTo(200);
        assertThat(gw.bearer("DELETE", "/rest/api/2/issue/DEMO-1", gw.readOnly())
                        .status())
                .isEqualTo(403);
        // Password scripts count by address and path group.
        for (int i = 0; i < 3; i++) {
            assertThat(gw.send(
                                    "GET",
                                    "/rest/api/2/myself",
                                    Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)),
                                    null)
                            .status())
                    .isEqualTo(401);
        }
    }

    private static JsonNode top(String query) {
        return admin("/.patgate/api/v1/usage/top" + query).json();
    }

    private static TestServer.Answer admin(String path) {
        return gw.server.call("GET", path, "admin", ADMIN_PASSWORD, null);
    }

    /** Waits (boundedly) until the writer has written what the requests counted. */
    private static JsonNode topOnce(String query, long expectedRequests) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode answer;
        do {
            gw.server.server().activity().flush();
            answer = top(query);
        } while (total(answer) < expectedRequests && System.nanoTime() < deadline);
        return answer;
    }

    private static long total(JsonNode answer) {
        long sum = 0;
        for (JsonNode row : answer.get("items")) {
            sum += row.get("requests").asLong();
        }
        return sum;
    }

    @Test
    void tokensAreRankedByRequestsWithRefusalsAndALinkToTheirPage() {
        JsonNode answer = topOnce("?by=token&window=hour", 8);

        List<String> keys = new ArrayList<>();
        answer.get("items").forEach(row -> keys.add(row.get("key").asText()));
        assertThat(keys.getFirst()).isEqualTo(gw.readWriteId());
        JsonNode first = answer.get("items").get(0);
        assertThat(first.get("requests").asLong()).isEqualTo(6);
        assertThat(first.get("label").asText()).isEqualTo("rw (alice)");
        assertThat(first.get("link").asText()).isEqualTo("/.patgate/tokens/" + gw.readWriteId());
        assertThat(first.at("/statusClasses/2xx").asLong()).isEqualTo(6);
        assertThat(first.get("p95Ms").isNumber()).isTrue();
        JsonNode second = answer.get("items").get(1);
        assertThat(second.get("requests").asLong()).isEqualTo(2);
        assertThat(second.get("refused").asLong()).isEqualTo(1);
        assertThat(second.at("/refusals/read-only").asLong()).isEqualTo(1);
    }

    @Test
    void requestsWithoutATokenShowByPathGroupAndAddress() {
        JsonNode byPath = topOnce("?by=path&window=day&sort=refused", 11);
        JsonNode myself = byPath.get("items").get(0);
        assertThat(myself.get("key").asText()).isEqualTo("/rest/api/2/myself");
        assertThat(myself.at("/refusals/password-blocked").asLong()).isEqualTo(3);
        assertThat(byPath.toString()).contains("/rest/api/2/issue/{id}");

        JsonNode byIp = topOnce("?by=ip&window=week", 11);
        assertThat(byIp.get("items").get(0).get("key").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void byUserSumsTheTokensOfAlice() {
        JsonNode byUser = topOnce("?by=user", 8);
        assertThat(byUser.get("items").get(0).get("key").asText()).isEqualTo("alice");
        assertThat(byUser.get("items").get(0).get("requests").asLong()).isEqualTo(8);
    }

    @Test
    void theSameRowsComeAsCsvWhenAskedFor() {
        topOnce("?by=token&window=hour", 8);
        TestServer.Answer csv = admin("/.patgate/api/v1/usage/top?by=token&window=hour&format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("key,label,requests,refused,rateLimited,status2xx");
        assertThat(lines[1]).startsWith(gw.readWriteId() + ",rw (alice),6,0,0,6,");

        TestServer.Answer accepted = gw.server.raw(
                "GET",
                "/.patgate/api/v1/usage/top?by=token&window=hour",
                Map.of("Authorization", TestServer.basic("admin", ADMIN_PASSWORD), "Accept", "text/csv"),
                null);
        assertThat(accepted.contentType()).startsWith("text/csv");
    }

    @Test
    void theSeriesHasOneCountPerMinuteOfTheHour() {
        topOnce("?by=token&window=hour", 8);
        JsonNode series = admin("/.patgate/api/v1/usage/series?by=token&window=hour&limit=1")
                .json();
        assertThat(series.get("steps")).hasSize(60);
        assertThat(series.get("series")).hasSize(1);
        long sum = 0;
        for (JsonNode n : series.get("series").get(0).get("requests")) {
            sum += n.asLong();
        }
        assertThat(sum).isEqualTo(6);
    }

    @Test
    void aBadParameterIsA400NamingIt() {
        for (String query : List.of("?by=team", "?window=month", "?sort=name", "?limit=0", "?format=xml")) {
            TestServer.Answer answer = admin("/.patgate/api/v1/usage/top" + query);
            String parameter = query.substring(1, query.indexOf('='));
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(answer.json().get("detail").asText()).as(query).contains("'" + parameter + "'");
        }
    }

    @Test
    void onlyAdminsSeeUsage() {
        TestServer.Answer answer =
                gw.server.call("GET", "/.patgate/api/v1/usage/top", "alice", RunningGateway.ALICE_PASSWORD, null);
        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void aTokensAddressesAreListedForItsOwnerWithTheUserAgent() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode answer;
        do {
            gw.server.server().activity().flush();
            answer = gw.server
                    .call(
                            "GET",
                            "/.patgate/api/v1/tokens/" + gw.readWriteId() + "/addresses",
                            "alice",
                            RunningGateway.ALICE_PASSWORD,
                            null)
                    .json();
        } while (answer.get("items").isEmpty() && System.nanoTime() < deadline);
        assertThat(answer.get("items")).hasSize(1);
        assertThat(answer.at("/items/0/address").asText()).isEqualTo("127.0.0.1");
        assertThat(answer.at("/items/0/userAgent").asText()).isEqualTo("nightly/1.0");
        assertThat(answer.at("/items/0/firstSeen").asText()).isNotEmpty();
    }
}
