package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/**
 * The admin token manager and the users pages as plain forms over HTTP: filters, sort and paging,
 * bulk revocation (selected and matching, each confirmed with the count), creating a token for
 * another user, and the users' lifecycle; with their access control, CSRF and escaping.
 */
@EndToEndTest
class UiManagerPagesTest {

    private static final String PASSWORD = "member-password-123";
    private static final String XSS = "<script>alert(1)</script>";
    private static final Pattern SECRET = Pattern.compile("id=\"secret\"[^>]*value=\"([^\"]+)\"");

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .user("frank", PASSWORD)
            .user("grace", PASSWORD)
            .build();

    private static UiClient signIn(String user, String password) {
        return UiClient.signedIn(server.baseUri(), user, password);
    }

    private static UiClient admin() {
        return signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    }

    private static String token(String owner, String name, String scope) {
        var created =
                server.call("POST", "/.patgate/api/v1/tokens", owner, PASSWORD, Map.of("name", name, "scope", scope));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private static String status(String id) {
        return server.asAdmin("GET", "/.patgate/api/v1/tokens/" + id, null)
                .json()
                .get("status")
                .asText();
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    @Test
    void tokenManagerFiltersByScopeAndStalenessSortsAndKeepsTheFilterWhenPaging() {
        String owner = "paula";
        server.createUser(owner, PASSWORD);
        for (int i = 0; i < 26; i++) {
            token(owner, String.format("bulk-%02d", i), "read-only");
        }
        token(owner, "the-writer", "read-write");
        UiClient admin = admin();

        String writers =
                admin.get("/.patgate/admin/tokens?owner=paula&scope=read-write").body();
        assertThat(writers).contains("the-writer").doesNotContain("bulk-00").contains("1 in total");

        var sorted = admin.get("/.patgate/admin/tokens?owner=paula&scope=read-only&sort=name");
        assertThat(sorted.body())
                .contains("26 in total")
                .contains("bulk-00")
                .doesNotContain("bulk-25")
                .contains("href=\"/.patgate/admin/tokens?owner=paula&amp;scope=read-only&amp;sort=name&amp;page=2\"");
        assertThat(sorted.body().indexOf("bulk-00")).isLessThan(sorted.body().indexOf("bulk-01"));
        String page2 = admin.get("/.patgate/admin/tokens?owner=paula&scope=read-only&sort=name&page=2")
                .body();
        assertThat(page2).contains("bulk-25").doesNotContain("bulk-00").doesNotContain("the-writer");
        String descending =
                admin.get("/.patgate/admin/tokens?owner=paula&sort=-name").body();
        assertThat(descending.indexOf("the-writer")).isLessThan(descending.indexOf("bulk-25"));

        // Never used and created before tomorrow: all stale; before a day long past: none.
        assertThat(admin.get("/.patgate/admin/tokens?owner=paula&lastUsedBefore=2999-01-01")
                        .body())
                .contains("27 in total");
        assertThat(admin.get("/.patgate/admin/tokens?owner=paula&lastUsedBefore=2000-01-01")
                        .body())
                .contains("No tokens match");
        assertThat(admin.get("/.patgate/admin/tokens?owner=paula&expiresBefore=2999-01-01")
                        .body())
                .as("tokens without expiry do not expire before anything")
                .contains("No tokens match");
        var bad = admin.get("/.patgate/admin/tokens?expiresBefore=soon&sort=sideways");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.body())
                .contains("role=\"alert\"")
                .contains("expiresBefore")
                .contains("sort");
    }

    @Test
    void revokingSelectedTokensAsksWithTheCountThenRevokesOnlyThose() {
        String a = token("frank", "sel-a", "read-only");
        String b = token("frank", "sel-b", "read-only");
        String c = token("frank", "sel-c", "read-only");
        UiClient admin = admin();
        String csrf = admin.csrf();
        String body = "_csrf=" + csrf + "&mode=selected&owner=frank&ids=" + a + "&ids=" + b;
        var ask = admin.send(
                "POST",
                "/.patgate/admin/tokens/revoke",
                body,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.body())
                .contains("2 tokens</strong> will be revoked")
                .contains("sel-a (frank)")
                .contains("sel-b (frank)");
        assertThat(status(a)).isEqualTo("active");

        var done = admin.send(
                "POST",
                "/.patgate/admin/tokens/revoke",
                body + "&confirm=yes",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).isEqualTo("/.patgate/admin/tokens?owner=frank&revoked=2");
        assertThat(List.of(status(a), status(b), status(c))).containsExactly("revoked", "revoked", "active");
        assertThat(admin.get(done.location()).body()).contains("2 tokens revoked.");

        var none =
                admin.post("/.patgate/admin/tokens/revoke", form("_csrf", csrf, "mode", "selected", "owner", "frank"));
        assertThat(none.status())
                .as("nothing ticked is not 'everything matching'")
                .isEqualTo(400);
        assertThat(status(c)).isEqualTo("active");
    }

    @Test
    void revokingEveryMatchingTokenShowsTheCountThenRevokesAllOfThem() {
        server.createUser("departed", PASSWORD);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(token("departed", "gone-" + i, "read-write"));
        }
        String kept = token("grace", "kept", "read-write");
        UiClient admin = admin();
        String list = admin.get("/.patgate/admin/tokens?owner=departed").body();
        assertThat(list).contains("href=\"/.patgate/admin/tokens/revoke?owner=departed&amp;\"");

        var ask = admin.get("/.patgate/admin/tokens/revoke?owner=departed");
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.body()).contains("3 tokens</strong> will be revoked").contains("owner: <code>departed</code>");
        assertThat(status(ids.getFirst())).isEqualTo("active");

        var done = admin.post(
                "/.patgate/admin/tokens/revoke", form("_csrf", ask.csrf(), "owner", "departed", "confirm", "yes"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).endsWith("revoked=3");
        assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo("revoked"));
        assertThat(status(kept)).isEqualTo("active");

        // A filter of nothing would be every token: refused.
        assertThat(admin.get("/.patgate/admin/tokens/revoke").status()).isEqualTo(400);
        assertThat(admin.post("/.patgate/admin/tokens/revoke", form("_csrf", ask.csrf(), "confirm", "yes"))
                        .status())
                .isEqualTo(400);
        assertThat(status(kept)).isEqualTo("active");
    }

    @Test
    void bulkRevocationNeedsCsrfAndAnAdmin() {
        String id = token("grace", "guarded", "read-only");
        UiClient admin = admin();
        assertThat(admin.post("/.patgate/admin/tokens/revoke", form("owner", "grace", "confirm", "yes"))
                        .status())
                .isEqualTo(403);
        UiClient grace = signIn("grace", PASSWORD);
        assertThat(grace.get("/.patgate/admin/tokens/revoke?owner=grace").status())
                .isEqualTo(403);
        assertThat(grace.post(
                                "/.patgate/admin/tokens/revoke",
                                form("_csrf", grace.csrf(), "owner", "grace", "confirm", "yes"))
                        .status())
                .isEqualTo(403);
        assertThat(status(id)).isEqualTo("active");
    }

    @Test
    void anAdminCreatesATokenForAnotherUserAndSeesItsSecretOnce() {
        UiClient admin = admin();
        assertThat(admin.get("/.patgate/tokens/new?owner=grace").body())
                .contains("id=\"owner\"")
                .contains("value=\"grace\"");
        var created = admin.post(
                "/.patgate/tokens",
                form("_csrf", admin.csrf(), "name", "for-grace", "scope", "read-only", "owner", "grace"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).contains("This token belongs to <strong>grace</strong>");
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).isTrue();
        var list = server.call("GET", "/.patgate/api/v1/tokens?q=for-grace", "grace", PASSWORD, null)
                .json();
        assertThat(list.get("total").asInt()).isEqualTo(1);
        assertThat(list.get("items").get(0).get("owner").asText()).isEqualTo("grace");

        var unknown = admin.post(
                "/.patgate/tokens",
                form("_csrf", admin.csrf(), "name", "x", "scope", "read-only", "owner", "nobody-here"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("no such user");

        // Without create-tokens-for-others: no owner field, and the service refuses.
        UiClient frank = signIn("frank", PASSWORD);
        assertThat(frank.get("/.patgate/tokens/new").body()).doesNotContain("id=\"owner\"");
        assertThat(frank.post(
                                "/.patgate/tokens",
                                form("_csrf", frank.csrf(), "name", "sneaky", "scope", "read-only", "owner", "grace"))
                        .status())
                .isEqualTo(403);
        assertThat(server.call("GET", "/.patgate/api/v1/tokens?q=sneaky", "grace", PASSWORD, null)
                        .json()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void adminCreatesEditsDisablesResetsAndDeletesALocalUser() {
        UiClient admin = admin();
        String csrf = admin.csrf();
        var created = admin.post(
                "/.patgate/admin/users",
                form(
                        "_csrf",
                        csrf,
                        "username",
                        "henry",
                        "displayName",
                        XSS,
                        "email",
                        "henry@example.com",
                        "groups",
                        "ops, qa",
                        "password",
                        ""));
        assertThat(created.status()).isEqualTo(201);
        Matcher generated = SECRET.matcher(created.body());
        assertThat(generated.find()).isTrue();
        signIn("henry", generated.group(1));

        String users = admin.get("/.patgate/admin/users").body();
        assertThat(users).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(XSS);
        assertThat(users).containsPattern("<th scope=\"row\">ops</th><td></td><td>1</td>");
        assertThat(admin.get("/.patgate/admin/users/henry").body())
                .doesNotContain(XSS)
                .contains("ops, qa");

        var saved = admin.post(
                "/.patgate/admin/users/henry",
                form("_csrf", csrf, "displayName", "Henry H", "email", "", "groups", "qa"));
        assertThat(saved.status()).isEqualTo(303);
        var henry = server.asAdmin("GET", "/.patgate/api/v1/users/henry", null).json();
        assertThat(henry.get("displayName").asText()).isEqualTo("Henry H");
        assertThat(henry.get("groups").toString()).isEqualTo("[\"qa\"]");
        var invalid = admin.post(
                "/.patgate/admin/users/henry",
                form("_csrf", csrf, "displayName", "x", "email", "not-mail", "groups", ""));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("not an email address");

        assertThat(admin.post("/.patgate/admin/users/henry/disable", form("_csrf", csrf))
                        .status())
                .isEqualTo(303);
        UiClient stranger = new UiClient(server.baseUri());
        assertThat(stranger.signIn("henry", generated.group(1)).status()).isNotEqualTo(303);
        assertThat(admin.post("/.patgate/admin/users/henry/enable", form("_csrf", csrf))
                        .status())
                .isEqualTo(303);

        assertThat(admin.post("/.patgate/admin/users/henry/password", form("_csrf", csrf, "password", "short"))
                        .status())
                .isEqualTo(400);
        var reset = admin.post(
                "/.patgate/admin/users/henry/password", form("_csrf", csrf, "password", "henry-new-password-1"));
        assertThat(reset.status()).isEqualTo(303);
        signIn("henry", "henry-new-password-1");

        server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "henry",
                "henry-new-password-1",
                Map.of("name", "h1", "scope", "read-only"));
        server.call(
                "POST",
                "/.patgate/api/v1/tokens",
                "henry",
                "henry-new-password-1",
                Map.of("name", "h2", "scope", "read-only"));
        var ask = admin.get("/.patgate/admin/users/henry/delete");
        assertThat(ask.body()).contains("also deletes <strong>2 tokens</strong>");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/users/henry", null).status())
                .isEqualTo(200);
        var deleted = admin.post("/.patgate/admin/users/henry/delete", form("_csrf", csrf, "confirm", "yes"));
        assertThat(deleted.status()).isEqualTo(303);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/users/henry", null).status())
                .isEqualTo(404);
    }

    @Test
    void userPagesAreForAdminsAndNeedCsrf() {
        UiClient admin = admin();
        assertThat(admin.post("/.patgate/admin/users", form("username", "nocsrf", "password", ""))
                        .status())
                .isEqualTo(403);
        assertThat(admin.post("/.patgate/admin/users/grace/disable", form()).status())
                .isEqualTo(403);
        assertThat(admin.post("/.patgate/admin/users/grace/delete", form("confirm", "yes"))
                        .status())
                .isEqualTo(403);
        UiClient frank = signIn("frank", PASSWORD);
        for (String page : List.of(
                "/.patgate/admin/users",
                "/.patgate/admin/users/new",
                "/.patgate/admin/users/grace",
                "/.patgate/admin/users/grace/delete")) {
            assertThat(frank.get(page).status()).as(page).isEqualTo(403);
        }
        assertThat(frank.post("/.patgate/admin/users/grace/disable", form("_csrf", frank.csrf()))
                        .status())
                .isEqualTo(403);
        assertThat(frank.post("/.patgate/admin/users", form("_csrf", frank.csrf(), "username", "mine", "password", ""))
                        .status())
                .isEqualTo(403);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/users/nocsrf", null).status())
                .isEqualTo(404);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/users/mine", null).status())
                .isEqualTo(404);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/users/grace", null)
                        .json()
                        .get("enabled")
                        .asBoolean())
                .isTrue();
    }
}
