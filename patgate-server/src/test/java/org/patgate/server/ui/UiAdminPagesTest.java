package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;
import org.patgate.server.testing.TestServer;

/**
 * The settings, permissions &amp; policies and audit pages over plain HTTP: what they show, that
 * their changes reach the same services the API uses (checked through the API), that refused input
 * changes nothing, and their security (admins only, CSRF on every POST, escaped output).
 */
@EndToEndTest
class UiAdminPagesTest {

    private static final String ALICE_PASSWORD = "alice-password-123";
    private static final String XSS = "<script>alert(1)</script>";
    private static final String ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;";

    @RegisterExtension
    static final RunningServer server =
            RunningServer.builder().user("alice", ALICE_PASSWORD).build();

    private static UiClient signedIn(String user, String password) {
        return UiClient.signedIn(server.baseUri(), user, password);
    }

    private static UiClient admin() {
        return signedIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    }

    private static String setting(String field, String part) {
        return server.asAdmin("GET", "/.patgate/api/v1/settings", null)
                .json()
                .get("rest")
                .get(field)
                .get(part)
                .asText();
    }

    /** The settings form as the page shows it, with {@code changes} applied. */
    private static Map<String, String> settingsForm(UiClient admin, Map<String, String> changes) {
        Map<String, String> form = new HashMap<>();
        form.put("_csrf", admin.csrf());
        form.put("passwordAuth", setting("passwordAuth", "value"));
        form.put("anonymous", setting("anonymous", "value"));
        var rest =
                server.asAdmin("GET", "/.patgate/api/v1/settings", null).json().get("rest");
        for (String list :
                List.of("paths", "readOnlyPosts", "passwordExemptUsers", "passwordExemptGroups", "allowedIps")) {
            StringBuilder lines = new StringBuilder();
            rest.get(list).get("value").forEach(v -> lines.append(v.asText()).append("\r\n"));
            form.put(list, lines.toString());
        }
        form.putAll(changes);
        return form;
    }

    @Test
    void settingsShowWhereEachValueComesFromAndSavingPinsOnlyWhatChanged() {
        UiClient admin = admin();
        String page = admin.get("/.patgate/admin/settings").body();
        assertThat(page)
                .contains(
                        "id=\"passwordAuth-source\">from configuration",
                        "<option value=\"block\" selected>",
                        "/rest/**");

        var saved = admin.post(
                "/.patgate/admin/settings",
                settingsForm(
                        admin,
                        Map.of("passwordAuth", "allow", "passwordExemptUsers", "svc-legacy\n\n  svc-other  \n")));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.body())
                .contains(
                        "Settings saved",
                        "id=\"passwordAuth-source\">stored",
                        "id=\"paths-source\">from configuration",
                        "Last stored by admin");
        assertThat(setting("passwordAuth", "value")).isEqualTo("allow");
        assertThat(setting("passwordAuth", "source")).isEqualTo("stored");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/settings", null)
                        .json()
                        .get("rest")
                        .get("passwordExemptUsers")
                        .get("value")
                        .toString())
                .isEqualTo("[\"svc-legacy\",\"svc-other\"]");
        assertThat(setting("paths", "source"))
                .as("unchanged values keep following the configuration")
                .isEqualTo("configuration");

        // Reset asks first; only the confirmed form resets.
        var asked = admin.post("/.patgate/admin/settings/reset", Map.of("_csrf", admin.csrf()));
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body())
                .contains("Reset every setting to the configuration?", "name=\"confirm\" value=\"yes\"");
        assertThat(setting("passwordAuth", "source")).isEqualTo("stored");
        var reset = admin.post("/.patgate/admin/settings/reset", Map.of("_csrf", admin.csrf(), "confirm", "yes"));
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body()).contains("follows the configuration again");
        assertThat(setting("passwordAuth", "value")).isEqualTo("block");
        assertThat(setting("passwordAuth", "source")).isEqualTo("configuration");
    }

    @Test
    void invalidSettingsAreShownBesideTheirFieldsAndNothingChanges() {
        UiClient admin = admin();
        var refused = admin.post(
                "/.patgate/admin/settings",
                settingsForm(
                        admin,
                        Map.of(
                                "passwordAuth",
                                "allow",
                                "paths",
                                "/rest/**\nno-slash/**",
                                "allowedIps",
                                "10.0.0.0/8\nnot-an-address",
                                "anonymous",
                                "maybe")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains(
                        "Nothing was changed",
                        "id=\"paths-error\">line 2:",
                        "id=\"allowedIps-error\">line 2:",
                        "id=\"anonymous-error\">must be deny or allow")
                .doesNotContain("id=\"passwordAuth-error\"")
                .as("what was typed is kept")
                .contains("no-slash/**", "not-an-address");
        assertThat(setting("passwordAuth", "value")).isEqualTo("block");
        assertThat(setting("paths", "source")).isEqualTo("configuration");
    }

    @Test
    void permissionsAndPoliciesAreEditedPerGroupThroughTheServices() {
        UiClient admin = admin();
        String page = admin.get("/.patgate/admin/permissions").body();
        assertThat(page)
                .contains("Everyone", "id=\"g0-perm-use-tokens\" name=\"perm-use-tokens\" value=\"on\" checked")
                .doesNotContain("id=\"g0-perm-admin\"");

        var added = admin.post(
                "/.patgate/admin/permissions/groups",
                Map.of(
                        "_csrf",
                        admin.csrf(),
                        "group",
                        "auditors",
                        "perm-use-tokens",
                        "on",
                        "perm-manage-all-tokens",
                        "on"));
        assertThat(added.status()).isEqualTo(303);
        assertThat(permissionsOf("auditors")).isEqualTo("[\"manage-all-tokens\",\"use-tokens\"]");
        assertThat(admin.get(added.header("location")).body())
                .contains("Saved the changes to auditors", "<code>auditors</code>");

        assertThat(admin.post(
                                "/.patgate/admin/permissions/grants",
                                Map.of("_csrf", admin.csrf(), "group", "auditors", "perm-create-tokens", "on"))
                        .status())
                .isEqualTo(303);
        assertThat(permissionsOf("auditors")).isEqualTo("[\"create-tokens\"]");

        var policy = admin.post(
                "/.patgate/admin/permissions/policy",
                Map.of(
                        "_csrf",
                        admin.csrf(),
                        "group",
                        "auditors",
                        "maxLifetimeDays",
                        "30",
                        "expiryRequired",
                        "on",
                        "scope-read-only",
                        "on",
                        "requiredIpRanges",
                        "10.0.0.0/8\n192.168.0.0/16",
                        "approvalRequired",
                        "on",
                        "rateLimitPerMinute",
                        "600",
                        "reminderDays",
                        "3, 14",
                        "revokeUnusedAfterDays",
                        "120"));
        assertThat(policy.status()).isEqualTo(303);
        var stored = server.asAdmin("GET", "/.patgate/api/v1/policies/groups/auditors", null)
                .json()
                .get("policy");
        assertThat(stored.get("maxLifetimeDays").asInt()).isEqualTo(30);
        assertThat(stored.get("expiryRequired").asBoolean()).isTrue();
        assertThat(stored.get("allowedScopes").toString()).isEqualTo("[\"read-only\"]");
        assertThat(stored.get("requiredIpRanges")).hasSize(2);
        assertThat(stored.get("approvalRequired").asBoolean()).isTrue();
        assertThat(stored.get("rateLimitPerMinute").asInt()).isEqualTo(600);
        assertThat(stored.get("maxActiveTokens").isNull()).isTrue();
        assertThat(stored.get("reminderDays").toString()).isEqualTo("[14,3]");
        assertThat(stored.get("revokeUnusedAfterDays").asInt()).isEqualTo(120);
        // The form shows them again, so saving it once more keeps them.
        assertThat(admin.get("/.patgate/admin/permissions").body()).contains("value=\"14, 3\"", "value=\"120\"");

        // A refused policy is shown on its card with what was typed, and nothing changes.
        var refused = admin.post(
                "/.patgate/admin/permissions/policy",
                Map.of(
                        "_csrf",
                        admin.csrf(),
                        "group",
                        "auditors",
                        "maxLifetimeDays",
                        "thirty",
                        "maxActiveTokens",
                        "many"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .contains(
                        "Nothing was changed",
                        "maxLifetimeDays: must be a whole number",
                        "maxActiveTokens: must be a whole number",
                        "value=\"many\"");
        assertThat(admin.post(
                                "/.patgate/admin/permissions/policy",
                                Map.of("_csrf", admin.csrf(), "group", "auditors", "maxLifetimeDays", "0"))
                        .body())
                .contains("maxLifetimeDays: must be from 1 to 36500");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/policies/groups/auditors", null)
                        .json()
                        .get("policy")
                        .get("maxLifetimeDays")
                        .asInt())
                .isEqualTo(30);
        // The service's own rules hold too: everyone never becomes admin, a new group needs a permission.
        assertThat(admin.post(
                                "/.patgate/admin/permissions/grants",
                                Map.of("_csrf", admin.csrf(), "group", "*", "perm-admin", "on"))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post("/.patgate/admin/permissions/groups", Map.of("_csrf", admin.csrf(), "group", "empty"))
                        .body())
                .contains("choose at least one permission");

        assertThat(admin.post(
                                "/.patgate/admin/permissions/policy/delete",
                                Map.of("_csrf", admin.csrf(), "group", "auditors"))
                        .status())
                .isEqualTo(303);
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/policies/groups/auditors", null)
                        .status())
                .isEqualTo(404);
    }

    private static String permissionsOf(String group) {
        String path = group.equals("everyone") ? "everyone" : "groups/" + group;
        return server.asAdmin("GET", "/.patgate/api/v1/permissions/" + path, null)
                .json()
                .get("permissions")
                .toString();
    }

    @Test
    void auditLogFiltersPagesAndDownloadsTheSameEventsAsCsv() {
        UiClient admin = admin();
        for (int i = 0; i < 3; i++) {
            assertThat(admin.post(
                                    "/.patgate/admin/permissions/grants",
                                    Map.of("_csrf", admin.csrf(), "group", "audit-" + i, "perm-use-tokens", "on"))
                            .status())
                    .isEqualTo(303);
        }
        String page = admin.get("/.patgate/admin/audit?action=group.permissions&actor=admin")
                .body();
        assertThat(page).contains("audit-0", "audit-1", "audit-2");
        assertThat(page.indexOf("audit-2")).as("newest first").isLessThan(page.indexOf("audit-0"));
        assertThat(page).contains("href=\"/.patgate/admin/audit.csv?actor=admin&amp;action=group.permissions\"");
        assertThat(admin.get("/.patgate/admin/audit?action=group.permissions&target=audit-1")
                        .body())
                .contains("audit-1")
                .doesNotContain("audit-0");
        assertThat(admin.get("/.patgate/admin/audit?action=group.permissions&from=2999-01-01T00:00")
                        .body())
                .contains("No events match");
        assertThat(admin.get("/.patgate/admin/audit?from=yesterday").body()).contains("not an RFC 3339 timestamp");

        var csv = admin.get("/.patgate/admin/audit.csv?actor=admin&action=group.permissions");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("content-type")).startsWith("text/csv");
        assertThat(csv.header("content-disposition")).contains("patgate-audit.csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("id,occurredAt,actor,action,target,sourceIp,outcome,detail");
        assertThat(lines)
                .hasSizeGreaterThanOrEqualTo(4)
                .allMatch(l -> l.startsWith("id,") || l.contains("group.permissions"));
        assertThat(lines.get(1)).contains("audit-2");
    }

    @Test
    void auditEntriesAreShownAsTextNeverAsMarkup() {
        // A failed sign-in records the name that was typed.
        assertThat(server.call("GET", "/.patgate/api/v1/tokens", XSS, "wrong", null)
                        .status())
                .isEqualTo(401);
        String page = admin().get("/.patgate/admin/audit?action=auth.login").body();
        assertThat(page).contains(ESCAPED).doesNotContain(XSS);
        assertThat(admin().get("/.patgate/admin/audit?actor=" + URLEncoder.encode(XSS, StandardCharsets.UTF_8))
                        .body())
                .contains("value=\"&lt;script>alert(1)&lt;/script>\"")
                .doesNotContain(XSS);
    }

    @Test
    void aUserGetsForbiddenOnEveryNewPageAndAction() {
        UiClient alice = signedIn("alice", ALICE_PASSWORD);
        for (String page : List.of("settings", "settings/reset", "permissions", "audit", "audit.csv")) {
            assertThat(alice.get("/.patgate/admin/" + page).status()).as(page).isEqualTo(403);
        }
        String csrf = alice.csrf();
        assertThat(alice.post("/.patgate/admin/settings", Map.of("_csrf", csrf, "passwordAuth", "allow"))
                        .status())
                .isEqualTo(403);
        assertThat(alice.post("/.patgate/admin/settings/reset", Map.of("_csrf", csrf, "confirm", "yes"))
                        .status())
                .isEqualTo(403);
        for (String action : List.of("grants", "groups", "policy", "policy/delete")) {
            assertThat(alice.post(
                                    "/.patgate/admin/permissions/" + action,
                                    Map.of("_csrf", csrf, "group", "*", "perm-admin", "on"))
                            .status())
                    .as(action)
                    .isEqualTo(403);
        }
        assertThat(setting("passwordAuth", "value")).isEqualTo("block");
        assertThat(permissionsOf("everyone").contains("admin")).isFalse();
    }

    @Test
    void everyNewFormIsRefusedWithoutTheCsrfToken() {
        UiClient admin = admin();
        Map<String, Map<String, String>> posts = Map.of(
                "/.patgate/admin/settings", Map.of("passwordAuth", "allow"),
                "/.patgate/admin/settings/reset", Map.of("confirm", "yes"),
                "/.patgate/admin/permissions/grants", Map.of("group", "csrf-test", "perm-use-tokens", "on"),
                "/.patgate/admin/permissions/groups", Map.of("group", "csrf-test", "perm-use-tokens", "on"),
                "/.patgate/admin/permissions/policy", Map.of("group", "csrf-test", "maxLifetimeDays", "5"),
                "/.patgate/admin/permissions/policy/delete", Map.of("group", "csrf-test"));
        posts.forEach((path, form) -> {
            assertThat(admin.post(path, form).status()).as(path).isEqualTo(403);
            Map<String, String> wrong = new HashMap<>(form);
            wrong.put("_csrf", "x".repeat(43));
            assertThat(admin.post(path, wrong).status()).as(path).isEqualTo(403);
        });
        assertThat(setting("passwordAuth", "source")).isEqualTo("configuration");
        assertThat(permissionsOf("csrf-test")).isEqualTo("[]");
        assertThat(server.asAdmin("GET", "/.patgate/api/v1/policies/groups/csrf-test", null)
                        .status())
                .isEqualTo(404);
    }
}
