package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/**
 * The web UI's security properties over plain HTTP (no browser): CSRF, session handling, cookie
 * flags, access control, escaping, security headers on every route, login throttling.
 */
@EndToEndTest
class UiSecurityTest {

    private static final String ALICE_PASSWORD = "alice-password-123";
    private static final String XSS = "<script>alert(1)</script>";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("alice", ALICE_PASSWORD).build();

    static String adminTokenId;

    @BeforeAll
    static void start() {
        var created =
                server.asAdmin("POST", "/.patgate/api/v1/tokens", Map.of("name", "admin's", "scope", "read-only"));
        adminTokenId = created.json().get("id").asText();
    }

    private static UiClient alice() {
        return UiClient.signedIn(server.baseUri(), "alice", ALICE_PASSWORD);
    }

    private static UiClient admin() {
        return UiClient.signedIn(server.baseUri(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    }

    private static long aliceTokenCount() {
        return server.call("GET", "/.patgate/api/v1/tokens", "alice", ALICE_PASSWORD, null)
                .json()
                .get("total")
                .asLong();
    }

    @Test
    void stateChangingRequestWithoutOrWithWrongCsrfTokenIsRefused() {
        UiClient alice = alice();
        long before = aliceTokenCount();
        Map<String, String> form = Map.of("name", "no-csrf", "scope", "read-only");

        assertThat(alice.post("/.patgate/tokens", form).status()).isEqualTo(403);
        assertThat(alice.post(
                                "/.patgate/tokens",
                                Map.of("name", "wrong", "scope", "read-only", "_csrf", "x".repeat(43)))
                        .status())
                .isEqualTo(403);
        assertThat(alice.post("/.patgate/tokens", form, Map.of("X-CSRF-Token", "wrong"))
                        .status())
                .isEqualTo(403);
        assertThat(alice.post("/.patgate/logout", Map.of()).status()).isEqualTo(403);
        assertThat(aliceTokenCount()).isEqualTo(before);

        // Another session's token is no good either: tokens are per session.
        String otherSessionsToken = alice().csrf();
        assertThat(alice.post(
                                "/.patgate/tokens",
                                Map.of("name", "other", "scope", "read-only", "_csrf", otherSessionsToken))
                        .status())
                .isEqualTo(403);

        assertThat(alice.post("/.patgate/tokens", form, Map.of("X-CSRF-Token", alice.csrf()))
                        .status())
                .isEqualTo(201);
        assertThat(alice.post(
                                "/.patgate/tokens",
                                Map.of("name", "with-field", "scope", "read-only", "_csrf", alice.csrf()))
                        .status())
                .isEqualTo(201);
        assertThat(aliceTokenCount()).isEqualTo(before + 2);
    }

    @Test
    void signInFormIsProtectedAgainstLoginCsrf() {
        UiClient client = new UiClient(server.baseUri());
        var answer = client.post(
                "/.patgate/login", Map.of("_csrf", "forged", "username", "alice", "password", ALICE_PASSWORD));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(client.cookies).doesNotContainKey("patgate-session");
    }

    @Test
    void sessionIdChangesAtSignInAndTheOldOneStopsWorking() {
        String first = alice().cookies.get("patgate-session");
        assertThat(first).hasSize(43);

        // A browser that holds a session id (planted, or left over) signs in: it gets a new id.
        UiClient client = new UiClient(server.baseUri());
        String csrf = client.get("/.patgate/login").csrf();
        client.cookies.put("patgate-session", first);
        assertThat(client.post(
                                "/.patgate/login",
                                Map.of("_csrf", csrf, "username", "alice", "password", ALICE_PASSWORD))
                        .status())
                .isEqualTo(303);
        String second = client.cookies.get("patgate-session");
        assertThat(second).isNotEqualTo(first).hasSize(43);

        UiClient planted = new UiClient(server.baseUri());
        planted.cookies.put("patgate-session", first);
        assertThat(planted.get("/.patgate/tokens").status()).isEqualTo(303);
        assertThat(client.get("/.patgate/tokens").status()).isEqualTo(200);
    }

    @Test
    void sessionCookieIsHttpOnlySameSiteAndBoundToThePatgatePath() {
        UiClient client = new UiClient(server.baseUri());
        var form = client.get("/.patgate/login");
        var answer = client.post(
                "/.patgate/login", Map.of("_csrf", form.csrf(), "username", "alice", "password", ALICE_PASSWORD));
        String cookie = answer.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("patgate-session="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie)
                .contains("HttpOnly", "SameSite=Lax", "Path=/.patgate/")
                .doesNotContain("Secure");
    }

    @Test
    void behindATrustedTlsProxyTheCookieIsSecureAndPrefixed(@TempDir Path own) {
        try (TestServer proxied = TestServer.start(
                own,
                "jdbc:h2:file:" + own.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32"))) {
            UiClient client = new UiClient(proxied.baseUri());
            client.headers.put("X-Forwarded-Proto", "https");
            var answer = client.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            assertThat(answer.status()).isEqualTo(303);
            String cookie = answer.headers().allValues("set-cookie").stream()
                    .filter(c -> c.startsWith("__Secure-patgate-session="))
                    .findFirst()
                    .orElseThrow();
            assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Secure", "Path=/.patgate/");
            assertThat(client.get("/.patgate/tokens").status()).isEqualTo(200);
        }
        // Not trusted (the default): the header is ignored and the cookie is a plain one.
        UiClient client = new UiClient(server.baseUri());
        client.headers.put("X-Forwarded-Proto", "https");
        var answer = client.signIn("alice", ALICE_PASSWORD);
        assertThat(answer.headers().allValues("set-cookie"))
                .anyMatch(c -> c.startsWith("patgate-session="))
                .noneMatch(c -> c.contains("Secure"));
    }

    @Test
    void aUserCannotReachAdminPages() {
        UiClient alice = alice();
        for (String page : List.of(
                "admin",
                "admin/tokens",
                "admin/approvals",
                "admin/users",
                "admin/permissions",
                "admin/settings",
                "admin/audit",
                "admin/usage",
                "admin/usage/series")) {
            assertThat(alice.get("/.patgate/" + page).status()).as(page).isEqualTo(403);
        }
        assertThat(alice.post("/.patgate/admin/approvals/" + adminTokenId + "/approve", Map.of("_csrf", alice.csrf()))
                        .status())
                .isEqualTo(403);
        assertThat(alice.get("/.patgate/tokens").body()).doesNotContain("Token manager");
        assertThat(admin().get("/.patgate/admin/tokens").status()).isEqualTo(200);
    }

    @Test
    void aUserCannotSeeOrChangeOtherUsersTokens() {
        UiClient alice = alice();
        String base = "/.patgate/tokens/" + adminTokenId;
        assertThat(alice.get(base).status()).isEqualTo(404);
        assertThat(alice.get(base + "/activity").status()).isEqualTo(404);
        assertThat(alice.get(base + "/revoke").status()).isEqualTo(404);
        assertThat(alice.post(base + "/revoke", Map.of("_csrf", alice.csrf(), "confirm", "yes"))
                        .status())
                .isEqualTo(404);
        assertThat(alice.post(base + "/rotate", Map.of("_csrf", alice.csrf(), "confirm", "yes"))
                        .status())
                .isEqualTo(404);
        assertThat(alice.get("/.patgate/tokens").body()).doesNotContain(adminTokenId);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/tokens/" + adminTokenId, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("active");
    }

    @Test
    void aTokenNameIsShownAsTextNeverAsMarkup() {
        UiClient alice = alice();
        var created = alice.post("/.patgate/tokens", Map.of("name", XSS, "scope", "read-only", "_csrf", alice.csrf()));
        assertThat(created.status()).isEqualTo(201);
        String escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
        assertThat(created.body()).contains(escaped).doesNotContain(XSS);
        String list = alice.get("/.patgate/tokens").body();
        assertThat(list).contains(escaped).doesNotContain(XSS);
        String id = created.body().split("/.patgate/tokens/")[1].substring(0, 12);
        assertThat(alice.get("/.patgate/tokens/" + id).body()).contains(escaped).doesNotContain(XSS);
        assertThat(admin().get("/.patgate/admin/tokens?q=script").body())
                .contains(escaped)
                .doesNotContain(XSS);
    }

    @Test
    void theSecretIsShownOnceAndNeverAgain() {
        UiClient alice = alice();
        var created =
                alice.post("/.patgate/tokens", Map.of("name", "once", "scope", "read-only", "_csrf", alice.csrf()));
        String secret =
                created.body().split("id=\"secret\"")[1].split("value=\"")[1].split("\"")[0];
        assertThat(secret).startsWith("pat_");
        assertThat(created.header("cache-control")).isEqualTo("no-store");
        String id = created.body().split("/.patgate/tokens/")[1].substring(0, 12);
        assertThat(alice.get("/.patgate/tokens").body()).doesNotContain(secret);
        assertThat(alice.get("/.patgate/tokens/" + id).body()).doesNotContain(secret);
        assertThat(admin().get("/.patgate/admin/tokens").body()).doesNotContain(secret);
    }

    @Test
    void everyRouteCarriesTheSecurityHeaders() {
        UiClient admin = admin();
        String id = adminTokenId;
        List<String> pages = List.of(
                "/.patgate/",
                "/.patgate/tokens",
                "/.patgate/tokens/new",
                "/.patgate/tokens/" + id,
                "/.patgate/tokens/" + id + "/activity",
                "/.patgate/tokens/" + id + "/revoke",
                "/.patgate/tokens/" + id + "/rotate",
                "/.patgate/tokens/nosuchtoken1",
                "/.patgate/admin",
                "/.patgate/admin/tokens",
                "/.patgate/admin/tokens?status=bogus",
                "/.patgate/admin/approvals",
                "/.patgate/admin/users",
                "/.patgate/admin/permissions",
                "/.patgate/admin/settings",
                "/.patgate/admin/audit",
                "/.patgate/admin/settings/reset",
                "/.patgate/admin/audit?action=x&from=bogus",
                "/.patgate/admin/audit.csv?action=none",
                "/.patgate/admin/usage?by=ip&window=week&sort=p95",
                "/.patgate/admin/usage/series?by=path&window=hour",
                "/.patgate/admin/nosuchpage",
                "/.patgate/login",
                "/.patgate/logout",
                "/.patgate/admin/tokens?owner=alice&scope=read-only&expiresBefore=2999-01-01&lastUsedBefore=2999-01-01&sort=-lastUsed",
                "/.patgate/admin/tokens/revoke?owner=alice",
                "/.patgate/admin/users/new",
                "/.patgate/admin/users/alice",
                "/.patgate/admin/users/alice/delete",
                "/.patgate/admin/users/nosuchuser",
                "/.patgate/api-docs");
        for (String page : pages) {
            var answer = admin.get(page);
            assertThat(answer.status()).as(page).isIn(200, 303, 404, 405);
            assertSecurityHeaders(answer, page);
            assertThat(answer.header("cache-control")).as(page).isEqualTo("no-store");
            assertNoInlineScriptOrStyle(answer.body(), page);
        }
        UiClient anonymous = new UiClient(server.baseUri());
        for (String page : List.of("/.patgate/login", "/.patgate/tokens", "/.patgate/admin/tokens")) {
            var answer = anonymous.get(page);
            assertSecurityHeaders(answer, page);
            assertNoInlineScriptOrStyle(answer.body(), page);
        }
        for (String asset : List.of("app.css", "app.js", "usage.js")) {
            var answer = anonymous.get("/.patgate/static/" + asset);
            assertThat(answer.status()).isEqualTo(200);
            assertSecurityHeaders(answer, asset);
            assertThat(answer.header("cache-control")).isEqualTo("no-cache");
            var again = anonymous.send(
                    "GET", "/.patgate/static/" + asset, null, Map.of("If-None-Match", answer.header("etag")));
            assertThat(again.status()).isEqualTo(304);
        }
        String layout = admin.get("/.patgate/tokens/" + id).body();
        Matcher vendor = Pattern.compile("(?:src|href)=\"(/\\.patgate/static/vendor/[^\"]+)\"")
                .matcher(layout);
        int found = 0;
        while (vendor.find()) {
            var answer = anonymous.get(vendor.group(1));
            assertThat(answer.status()).as(vendor.group(1)).isEqualTo(200);
            assertThat(answer.header("cache-control")).contains("immutable");
            found++;
        }
        assertThat(found).as("htmx, uPlot script and style").isEqualTo(3);
    }

    private static void assertSecurityHeaders(UiClient.Answer answer, String page) {
        assertThat(answer.header("content-security-policy")).as(page).isEqualTo(UiHandler.CONTENT_SECURITY_POLICY);
        assertThat(answer.header("x-content-type-options")).as(page).isEqualTo("nosniff");
        assertThat(answer.header("referrer-policy")).as(page).isEqualTo("no-referrer");
        assertThat(answer.header("x-frame-options")).as(page).isEqualTo("DENY");
    }

    private static void assertNoInlineScriptOrStyle(String body, String page) {
        assertThat(body)
                .as(page)
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                .doesNotContain(" style=")
                .doesNotContain("<style")
                .doesNotContainPattern("\\son[a-z]+=");
    }

    @Test
    void theManagementApiAcceptsAUiSessionOnlyWithItsCsrfHeader() {
        UiClient alice = alice();
        String csrf = alice.csrf();
        assertThat(alice.send("GET", "/.patgate/api/v1/tokens", null, Map.of()).status())
                .isEqualTo(401);
        assertThat(alice.send("GET", "/.patgate/api/v1/tokens", null, Map.of("X-CSRF-Token", "wrong"))
                        .status())
                .isEqualTo(401);
        assertThat(alice.send("GET", "/.patgate/api/v1/tokens", null, Map.of("X-CSRF-Token", csrf))
                        .status())
                .isEqualTo(200);
        var created = alice.send(
                "POST",
                "/.patgate/api/v1/tokens",
                "{\"name\":\"via-api\",\"scope\":\"read-only\"}",
                Map.of("X-CSRF-Token", csrf, "Content-Type", "application/json"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(alice.send(
                                "POST",
                                "/.patgate/api/v1/tokens",
                                "{\"name\":\"no-header\"}",
                                Map.of("Content-Type", "application/json"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void signOutEndsTheSession() {
        UiClient alice = alice();
        String session = alice.cookies.get("patgate-session");
        var out = alice.post("/.patgate/logout", Map.of("_csrf", alice.csrf()));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.location()).isEqualTo("/.patgate/login");
        assertThat(alice.cookies).doesNotContainKey("patgate-session");
        UiClient replay = new UiClient(server.baseUri());
        replay.cookies.put("patgate-session", session);
        assertThat(replay.get("/.patgate/tokens").status()).isEqualTo(303);
    }

    @Test
    void aSessionEndsAfterItsIdleAndAbsoluteTimeouts() {
        UiClient idle = alice();
        server.clock().advance(Duration.ofMinutes(29));
        assertThat(idle.get("/.patgate/tokens").status()).isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(31));
        var expired = idle.get("/.patgate/tokens");
        assertThat(expired.status()).isEqualTo(303);
        assertThat(expired.location()).startsWith("/.patgate/login");

        UiClient busy = alice();
        for (int i = 0; i < 35; i++) {
            server.clock().advance(Duration.ofMinutes(20));
            assertThat(busy.get("/.patgate/tokens").status())
                    .as("after %d minutes", 20 * (i + 1))
                    .isEqualTo(200);
        }
        server.clock().advance(Duration.ofMinutes(21));
        assertThat(busy.get("/.patgate/tokens").status()).as("after 12 hours").isEqualTo(303);
    }

    @Test
    void signInIsThrottledPerAddressAndPerUser(@TempDir Path own) {
        try (TestServer throttled = TestServer.start(
                own,
                "jdbc:h2:file:" + own.resolve("db").toAbsolutePath(),
                "",
                "",
                Map.of("PATGATE_TRUSTEDPROXIES", "127.0.0.1/32"))) {
            throttled.createUser("carol", "carol-password-123");
            throttled.createUser("dave", "dave-password-1234");
            // Per address: ten failures from one address, then even the right password is refused there.
            UiClient guesser = new UiClient(throttled.baseUri());
            guesser.headers.put("X-Forwarded-For", "198.51.100.7");
            for (int i = 0; i < 10; i++) {
                assertThat(guesser.signIn("dave", "wrong-" + i).status()).isEqualTo(401);
            }
            var refused = guesser.signIn("carol", "carol-password-123");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("retry-after")).isNotNull();
            assertThat(refused.body()).contains("Too many failed sign-ins");

            // Per user: failures spread over many addresses stop sign-ins as that user, not others.
            for (int i = 0; i < 20; i++) {
                UiClient spread = new UiClient(throttled.baseUri());
                spread.headers.put("X-Forwarded-For", "203.0.113." + (i + 1));
                assertThat(spread.signIn("carol", "wrong-" + i).status()).isEqualTo(401);
            }
            UiClient fresh = new UiClient(throttled.baseUri());
            fresh.headers.put("X-Forwarded-For", "192.0.2.50");
            assertThat(fresh.signIn("carol", "carol-password-123").status()).isEqualTo(429);
            assertThat(fresh.signIn("dave", "dave-password-1234").status()).isEqualTo(303);
            // The same per-user budget guards the management API.
            assertThat(throttled
                            .raw(
                                    "GET",
                                    "/.patgate/api/v1/tokens",
                                    Map.of(
                                            "X-Forwarded-For",
                                            "192.0.2.51",
                                            "Authorization",
                                            TestServer.basic("carol", "carol-password-123")),
                                    null)
                            .status())
                    .isEqualTo(429);
        }
    }
}
