package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.http.Json;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RunningServer;

/**
 * The token pages as plain forms (no JavaScript): the create form's policy limits, rotate and
 * revoke with their confirmation step, the htmx fragment, and the hourly activity the chart draws.
 */
@EndToEndTest
class UiPagesTest {

    private static final String PASSWORD = "erin-password-123";

    @RegisterExtension
    static final RunningServer server = RunningServer.builder()
            .withUpstream()
            .env(Map.of("PATGATE_TOKENS_MAXLIFETIMEDAYS", "30", "PATGATE_ACTIVITY_FLUSHINTERVAL", "50ms"))
            .user("erin", PASSWORD)
            .build();

    private static UiClient erin() {
        return UiClient.signedIn(server.baseUri(), "erin", PASSWORD);
    }

    private static String today(int plusDays) {
        return LocalDate.ofInstant(server.clock().instant(), ZoneOffset.UTC)
                .plusDays(plusDays)
                .toString();
    }

    private static UiClient.Answer create(UiClient client, String name, String expiresOn) {
        Map<String, String> form = new HashMap<>(Map.of("name", name, "scope", "read-only", "_csrf", client.csrf()));
        form.put("expiresOn", expiresOn);
        return client.post("/.patgate/tokens", form);
    }

    private static String secretOf(UiClient.Answer page) {
        return page.body().split("id=\"secret\"")[1].split("value=\"")[1].split("\"")[0];
    }

    private static String idOf(UiClient.Answer page) {
        return page.body().split("/.patgate/tokens/")[1].substring(0, 12);
    }

    @Test
    void theCreateFormShowsAndEnforcesThePolicyLimit() {
        UiClient erin = erin();
        String form = erin.get("/.patgate/tokens/new").body();
        assertThat(form)
                .contains("At most 30 days from today (until " + today(30) + "), set by this server")
                .contains("max=\"" + today(30) + "\"")
                .contains("min=\"" + today(1) + "\"");

        var tooLong = create(erin, "too-long", today(60));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body())
                .contains("The token was not created")
                .contains("must be at most 30 days")
                .contains("value=\"too-long\"");
        var missing = create(erin, "no-expiry", "");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("required: tokens on this server expire within 30 days");
        assertThat(create(erin, "past", today(0)).body()).contains("pick a day after today");

        var lastDay = create(erin, "last-day", today(30));
        assertThat(lastDay.status()).isEqualTo(201);
        JsonNode token = server.call("GET", "/.patgate/api/v1/tokens/" + idOf(lastDay), "erin", PASSWORD, null)
                .json();
        Instant expires = Instant.parse(token.get("expiresAt").asText());
        assertThat(expires)
                .isBetween(
                        server.clock().instant().plus(Duration.ofDays(30)).minus(Duration.ofMinutes(2)),
                        server.clock().instant().plus(Duration.ofDays(30)));
    }

    @Test
    void rotateAndRevokeAskFirstThenWorkAsPlainForms() {
        UiClient erin = erin();
        var created = create(erin, "rotate-me", today(10));
        String id = idOf(created);
        String first = secretOf(created);

        // Without confirmation a POST only asks.
        var ask = erin.post("/.patgate/tokens/" + id + "/rotate", Map.of("_csrf", erin.csrf()));
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.body()).contains("Rotate rotate-me?").doesNotContain(first);
        assertThat(gateway(first)).isEqualTo(200);

        var rotated = erin.post("/.patgate/tokens/" + id + "/rotate", Map.of("_csrf", erin.csrf(), "confirm", "yes"));
        assertThat(rotated.status()).isEqualTo(200);
        String second = secretOf(rotated);
        assertThat(second).isNotEqualTo(first).startsWith("pat_");
        assertThat(rotated.body()).contains("The previous secret no longer works");
        assertThat(gateway(first)).isEqualTo(401);
        assertThat(gateway(second)).isEqualTo(200);

        assertThat(erin.get("/.patgate/tokens/" + id + "/revoke").body()).contains("Revoke rotate-me?");
        var revoked = erin.post("/.patgate/tokens/" + id + "/revoke", Map.of("_csrf", erin.csrf(), "confirm", "yes"));
        assertThat(revoked.status()).isEqualTo(303);
        assertThat(revoked.location()).isEqualTo("/.patgate/tokens/" + id);
        assertThat(gateway(second)).isEqualTo(401);
        assertThat(erin.get(revoked.location()).body()).contains("This token does not work: revoked by erin");
    }

    @Test
    void htmxRevokeAnswersWithTheReplacementRowOnly() {
        UiClient erin = erin();
        String id = idOf(create(erin, "row-swap", today(5)));
        String csrf = erin.csrf();
        var row = erin.post(
                "/.patgate/tokens/" + id + "/revoke",
                Map.of("confirm", "yes"),
                Map.of("HX-Request", "true", "X-CSRF-Token", csrf));
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.body().strip())
                .startsWith("<tr id=\"token-" + id + "\">")
                .endsWith("</tr>")
                .contains("status-revoked")
                .doesNotContain("<html");
    }

    @Test
    void theActivityEndpointCountsRequestsPerHour() throws Exception {
        UiClient erin = erin();
        var created = create(erin, "hourly", today(20));
        String id = idOf(created);
        String secret = secretOf(created);
        assertThat(gateway(secret)).isEqualTo(200);
        assertThat(gateway(secret)).isEqualTo(200);
        server.clock().advance(Duration.ofHours(3));
        assertThat(gateway(secret)).isEqualTo(200);
        erin = erin(); // three idle hours ended the session

        JsonNode hourly = null;
        for (int i = 0; i < 100; i++) {
            hourly = Json.MAPPER.readTree(
                    erin.get("/.patgate/tokens/" + id + "/activity").body());
            if (hourly.get("total").asInt() == 3) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(hourly.get("total").asInt()).isEqualTo(3);
        JsonNode hours = hourly.get("hours");
        JsonNode counts = hourly.get("counts");
        assertThat(hours.size()).isEqualTo(48).isEqualTo(counts.size());
        long currentHour =
                server.clock().instant().truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        assertThat(hours.get(47).asLong()).isEqualTo(currentHour);
        assertThat(hours.get(1).asLong() - hours.get(0).asLong()).isEqualTo(3600);
        assertThat(counts.get(47).asInt()).isEqualTo(1);
        assertThat(counts.get(44).asInt()).isEqualTo(2);
    }

    private static int gateway(String token) {
        return server.raw("GET", "/rest/api/2/myself", Map.of("Authorization", "Bearer " + token), null)
                .status();
    }
}
