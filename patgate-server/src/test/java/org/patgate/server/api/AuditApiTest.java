package org.patgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * {@code GET /audit} over the real API: filters by actor, action and a half-open time range, pages
 * newest first with totals, is for admins only, shows failed logins with their source address, and
 * answers every error as problem+json.
 *
 * <p>The scenario runs on the server's hand-moved clock, one second apart per action, so every
 * time filter below names an exact instant at which an event was recorded.
 */
@EndToEndTest
class AuditApiTest {

    private static final String AUDIT = "/.patgate/api/v1/audit";
    private static final String TOKENS = "/.patgate/api/v1/tokens";
    private static final String ALICE_PASSWORD = "alice-password-123";
    private static final String BOB_PASSWORD = "bob-password-12345";
    private static final String WRONG_PASSWORD = "not-alices-password-987";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("alice", ALICE_PASSWORD)
            .user("bob", BOB_PASSWORD)
            .build();
    /** When each scenario step happened: T[1] .. T[6]. */
    static final Instant[] T = new Instant[7];

    static String tokenA;
    static String tokenB;
    static String tokenC;

    @BeforeAll
    static void scenario() {
        Instant base = server.clock().instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 1; i < T.length; i++) {
            T[i] = base.plusSeconds(i);
        }

        at(1);
        tokenA = create("alice", ALICE_PASSWORD, "a");
        at(2);
        tokenB = create("bob", BOB_PASSWORD, "b");
        at(3);
        assertThat(server.call("DELETE", TOKENS + "/" + tokenA, "alice", ALICE_PASSWORD, null)
                        .status())
                .isEqualTo(204);
        at(4);
        // a client-sent X-Forwarded-For is not believed: no trusted proxies are configured
        Answer failed = server.raw(
                "GET",
                TOKENS,
                Map.of("Authorization", TestServer.basic("alice", WRONG_PASSWORD), "X-Forwarded-For", "198.51.100.66"),
                null);
        assertThat(failed.status()).isEqualTo(401);
        at(5);
        assertThat(server.call("GET", TOKENS, "mallory", WRONG_PASSWORD, null).status())
                .isEqualTo(401);
        at(6);
        tokenC = create("alice", ALICE_PASSWORD, "c");
    }

    private static void at(int step) {
        server.clock().set(T[step]);
    }

    private static String create(String user, String password, String name) {
        Answer created = server.call("POST", TOKENS, user, password, Map.of("name", name, "scope", "read-only"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private static Answer audit(String query) {
        Answer answer = server.asAdmin("GET", AUDIT + query, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        return answer;
    }

    /** "actor action outcome target" per event, in the order answered. */
    private static List<String> events(Answer answer) {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : answer.json().get("items")) {
            lines.add(event.get("actor").asText() + " " + event.get("action").asText() + " "
                    + event.get("outcome").asText() + " " + event.get("target").asText());
        }
        return lines;
    }

    private static long total(Answer answer) {
        return answer.json().get("total").asLong();
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.json().get("type").asText()).startsWith("/.patgate/problems/");
        assertThat(answer.json().get("detail").asText()).isNotBlank();
    }

    @Test
    void filtersByActorNewestFirst() {
        Answer alice = audit("?actor=alice");

        assertThat(events(alice))
                .containsExactly(
                        "alice token.create success " + tokenC,
                        "alice auth.login failure api",
                        "alice token.revoke success " + tokenA,
                        "alice token.create success " + tokenA);
        assertThat(total(alice)).isEqualTo(4);
        assertThat(events(audit("?actor=bob"))).containsExactly("bob token.create success " + tokenB);
        assertThat(total(audit("?actor=nobody"))).isZero();
    }

    @Test
    void filtersByAction() {
        assertThat(events(audit("?action=token.create")))
                .containsExactly(
                        "alice token.create success " + tokenC,
                        "bob token.create success " + tokenB,
                        "alice token.create success " + tokenA);
        assertThat(events(audit("?action=user.create")))
                .containsExactly("admin user.create success bob", "admin user.create success alice");
        assertThat(events(audit("?actor=alice&action=token.revoke")))
                .containsExactly("alice token.revoke success " + tokenA);
    }

    @Test
    void timeRangeIncludesFromAndExcludesTo() {
        assertThat(events(audit("?from=" + T[2] + "&to=" + T[4])))
                .containsExactly("alice token.revoke success " + tokenA, "bob token.create success " + tokenB);
        assertThat(events(audit("?from=" + T[5])))
                .containsExactly("alice token.create success " + tokenC, "mallory auth.login failure api");
        assertThat(events(audit("?from=" + T[1] + "&to=" + T[2])))
                .containsExactly("alice token.create success " + tokenA);
        // everything before the scenario: the bootstrap and the two users
        assertThat(events(audit("?to=" + T[1])))
                .containsExactly(
                        "admin user.create success bob",
                        "admin user.create success alice",
                        "system user.bootstrap success admin");
        // one microsecond either side of an event moves it out of the range
        assertThat(total(audit("?from=" + T[3].plusNanos(1_000) + "&to=" + T[4])))
                .isZero();
        assertThat(total(audit("?from=" + T[3].minusNanos(1_000) + "&to=" + T[3].plusNanos(1_000))))
                .isEqualTo(1);
        // any RFC 3339 offset names the same instant
        assertThat(events(audit("?from=" + T[3].atOffset(ZoneOffset.ofHours(-5)) + "&to=" + T[4])))
                .containsExactly("alice token.revoke success " + tokenA);
    }

    @Test
    void pagesCarryTheTotalAndTogetherListEveryEventOnce() {
        Answer all = audit("?size=500");
        long total = total(all);
        assertThat(total).isEqualTo(9);
        List<String> expected = events(all);

        List<String> paged = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int page = 1; page <= 4; page++) {
            Answer answer = audit("?size=3&page=" + page);
            assertThat(total(answer)).isEqualTo(total);
            assertThat(answer.json().get("page").asInt()).isEqualTo(page);
            assertThat(answer.json().get("size").asInt()).isEqualTo(3);
            answer.json().get("items").forEach(event -> ids.add(event.get("id").asLong()));
            paged.addAll(events(answer));
        }

        assertThat(paged).isEqualTo(expected);
        assertThat(ids).hasSize(9);
        Answer beyond = audit("?size=3&page=4");
        assertThat(beyond.json().get("items")).isEmpty();
        assertThat(total(beyond)).isEqualTo(9);
        assertThat(events(audit("?actor=alice&size=3&page=2"))).containsExactly("alice token.create success " + tokenA);
    }

    @Test
    void eventsAreNewestFirstByTheirRecordedTime() {
        List<Instant> times = new ArrayList<>();
        audit("?size=500")
                .json()
                .get("items")
                .forEach(e -> times.add(Instant.parse(e.get("occurredAt").asText())));

        assertThat(times).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(times.subList(0, 6)).containsExactly(T[6], T[5], T[4], T[3], T[2], T[1]);
    }

    @Test
    void failedLoginsAreRecordedAsFailuresWithTheSocketPeerAsSource() {
        Answer logins = audit("?action=auth.login");

        assertThat(events(logins)).containsExactly("mallory auth.login failure api", "alice auth.login failure api");
        for (JsonNode event : logins.json().get("items")) {
            assertThat(event.get("outcome").asText()).isEqualTo("failure");
            assertThat(event.get("sourceIp").asText()).isEqualTo("127.0.0.1");
            assertThat(event.get("detail").asText()).isEqualTo("wrong username or password");
        }
        assertThat(audit("?size=500").body()).doesNotContain(WRONG_PASSWORD, ALICE_PASSWORD, "198.51.100.66");
    }

    /**
     * DESIGN.md: "the client IP is the socket peer unless the peer is a trusted proxy". The management
     * API takes the socket peer regardless, so behind a trusted proxy every failed login is recorded
     * as the proxy and counted against one shared throttle bucket.
     */
    @Test
    void behindATrustedProxyFailedLoginsRecordTheForwardedClient(@TempDir Path proxied) {
        try (TestServer behindProxy = TestServer.start(
                proxied,
                "jdbc:h2:file:" + proxied.resolve("db"),
                "",
                "",
                Map.of("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32"))) {
            Answer failed = behindProxy.raw(
                    "GET",
                    TOKENS,
                    Map.of(
                            "Authorization",
                            TestServer.basic("admin", WRONG_PASSWORD),
                            "X-Forwarded-For",
                            "203.0.113.9"),
                    null);
            assertThat(failed.status()).isEqualTo(401);

            JsonNode event = behindProxy
                    .asAdmin("GET", AUDIT + "?action=auth.login", null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(event.get("sourceIp").asText()).isEqualTo("203.0.113.9");
        }
    }

    @Test
    void successfulActionsRecordTheirSource() {
        for (JsonNode event : audit("?actor=alice&action=token.create").json().get("items")) {
            assertThat(event.get("sourceIp").asText()).isEqualTo("127.0.0.1");
            assertThat(event.get("outcome").asText()).isEqualTo("success");
        }
    }

    @Test
    void nonAdminsAreForbidden() {
        Answer answer = server.call("GET", AUDIT, "alice", ALICE_PASSWORD, null);

        assertProblem(answer, 403);
        assertThat(answer.body()).doesNotContain("token.create");
    }

    @Test
    void anonymousCallersAreChallenged() {
        Answer answer = server.raw("GET", AUDIT, Map.of(), null);

        assertProblem(answer, 401);
        assertThat(answer.headers().firstValue("www-authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void badFiltersAreRefusedAsProblems() {
        Answer notATime = server.asAdmin("GET", AUDIT + "?from=yesterday", null);
        assertProblem(notATime, 400);
        assertThat(notATime.json().get("errors").get("from").asText()).contains("RFC 3339");

        assertProblem(server.asAdmin("GET", AUDIT + "?to=2026-01-01T00:00:00", null), 400); // no offset: ambiguous
        assertProblem(server.asAdmin("GET", AUDIT + "?from=" + T[3] + "&to=" + T[3], null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?from=" + T[4] + "&to=" + T[3], null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?size=0", null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?size=501", null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?page=0", null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?page=x", null), 400);
        assertProblem(server.asAdmin("GET", AUDIT + "?actor=alice&actor=bob", null), 400);
    }

    @Test
    void otherMethodsAndPathsAreProblems() {
        Answer post = server.asAdmin("POST", AUDIT, Map.of());
        assertProblem(post, 405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");

        assertProblem(server.asAdmin("DELETE", AUDIT, null), 405);
        assertProblem(server.asAdmin("GET", AUDIT + "/1", null), 404);
    }
}
