package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;

/**
 * A PATgate token never reaches the product's own token API ({@code /rest/pat/**} in Jira and
 * Confluence, {@code /rest/access-tokens/**} in Bitbucket, also under their context paths): whatever
 * its scope, the method, the way it is sent and the spelling of the path, over HTTP/1.1 and HTTP/2,
 * the answer is a 403 {@code native-token-admin} and the upstream sees nothing. Requests without a
 * PATgate token are left to the other rules.
 */
@EndToEndTest
class NativeTokenAdminTest {

    @TempDir
    Path tmp;

    /** Spellings of {@code <context>/rest/<api>/…} that the normaliser (or a case-folding server) resolves there. */
    static List<String> spellings(String context, String api) {
        String upper = api.toUpperCase(java.util.Locale.ROOT);
        String encoded = "%" + Integer.toHexString(api.charAt(0)) + api.substring(1);
        return List.of(
                context + "/rest/" + api + "/latest/tokens",
                context + "/rest/" + api + "/1.0/tokens/5",
                context + "/rest/" + api,
                context + "/rest/" + api + "/",
                context + "/rest//" + api + "/latest/tokens",
                context + "/rest/./" + api + "/latest/tokens",
                context + "/rest/x/../" + api + "/latest/tokens",
                context + "/rest/%2e/" + api + "/latest/tokens",
                context + "/rest/x/%2e%2e/" + api + "/latest/tokens",
                context + "/rest/" + encoded + "/latest/tokens",
                context + "/rest/" + api + ";jsessionid=abc/latest/tokens",
                context + "/rest;x=y/" + api + "/latest/tokens",
                context + "/REST/" + upper + "/latest/tokens",
                context + "/Rest/" + upper,
                context.toUpperCase(java.util.Locale.ROOT) + "/rest/" + api + "/latest/tokens");
    }

    static List<String> contexts(UpstreamProduct product) {
        return switch (product) {
            case JIRA -> List.of("", "/jira");
            case CONFLUENCE -> List.of("", "/wiki", "/confluence");
            case BITBUCKET -> List.of("", "/bitbucket");
            case GENERIC -> List.of("");
        };
    }

    static String api(UpstreamProduct product) {
        return product == UpstreamProduct.BITBUCKET ? "access-tokens" : "pat";
    }

    @ParameterizedTest
    @EnumSource(
            value = UpstreamProduct.class,
            names = {"JIRA", "CONFLUENCE", "BITBUCKET"})
    void aPatgateTokenNeverReachesTheProductsOwnTokenApi(UpstreamProduct product) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(product.name()));
        try (RunningGateway gw = RunningGateway.start(
                dir, Map.of("PATGATE_UPSTREAM_PRODUCT", product.name().toLowerCase()))) {
            Map<String, String> credentials = Map.of(
                    "Bearer read-only", "Bearer " + gw.readOnly(),
                    "Bearer read-write", "Bearer " + gw.readWrite(),
                    "Basic read-write", "Basic " + BypassTest.b64("alice:" + gw.readWrite()),
                    "Basic read-only, any user", "Basic " + BypassTest.b64("x-token-auth:" + gw.readOnly()));
            List<String> paths = new ArrayList<>();
            for (String context : contexts(product)) {
                paths.addAll(spellings(context, api(product)));
            }
            int checked = 0;
            // HTTP/2: one connection for every case; refusals drain the (small) bodies, so no stream is reset.
            try (RawHttp2 http2 = RawHttp2.connect(gw.base())) {
                for (String path : paths) {
                    for (String method : List.of("GET", "POST", "DELETE", "PUT")) {
                        for (var credential : credentials.entrySet()) {
                            String what = method + " " + path + " with " + credential.getKey();
                            String body = method.equals("POST") || method.equals("PUT") ? "{\"name\":\"x\"}" : "";
                            RawHttp.RawAnswer answer = RawHttp.send(
                                    gw.base(),
                                    method + " " + path + " HTTP/1.1\r\nHost: gw\r\nAuthorization: "
                                            + credential.getValue()
                                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                                            + "\r\nConnection: close\r\n\r\n" + body);
                            if (path.contains("//") || path.contains("%2e")) {
                                // The server refuses an ambiguous empty or dot segment before the gateway decides.
                                assertThat(answer.status()).as(what).isEqualTo(400);
                                assertThat(http2.send(
                                                        method,
                                                        path,
                                                        Map.of("authorization", credential.getValue()),
                                                        null)
                                                .status())
                                        .as("HTTP/2 " + what)
                                        .isEqualTo(400);
                                checked++;
                                continue;
                            }
                            assertThat(answer.status()).as(what).isEqualTo(403);
                            assertThat(answer.text())
                                    .as(what)
                                    .contains("application/problem+json")
                                    .contains("native-token-admin")
                                    .contains("must not mint or manage the product's own tokens")
                                    .contains("manage native tokens in the product's web interface");

                            RawHttp2.Answer h2 = http2.send(
                                    method,
                                    path,
                                    Map.of("authorization", credential.getValue(), "content-type", "application/json"),
                                    body.isEmpty() ? null : body);
                            assertThat(h2.status()).as("HTTP/2 " + what).isEqualTo(403);
                            assertThat(h2.headers().get("content-type"))
                                    .as("HTTP/2 " + what)
                                    .startsWith("application/problem+json");
                            checked++;
                        }
                    }
                }
            }
            assertThat(gw.upstream.received()).isEmpty();
            assertThat(checked).isEqualTo(paths.size() * 4 * 4);

            // Neighbours are not the token API: forwarded as usual.
            for (String neighbour : List.of("/rest/patx/1", "/rest/api/2/pat", "/pat/rest/x", "/rest/api/2/myself")) {
                assertThat(gw.bearer("GET", neighbour, gw.readWrite()).status())
                        .as(neighbour)
                        .isEqualTo(200);
            }
            assertThat(gw.upstream.received()).hasSize(4);
        }
    }

    @Test
    void requestsWithoutAPatgateTokenAreLeftToTheOtherRules() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("jira"));
        try (RunningGateway gw = RunningGateway.start(dir, Map.of("PATGATE_UPSTREAM_PRODUCT", "jira"))) {
            // The product's own browser session manages native tokens in its UI: forwarded.
            var session = gw.send("POST", "/rest/pat/latest/tokens", Map.of("Cookie", "JSESSIONID=abc"), "{}");
            assertThat(session.status()).isEqualTo(200);
            assertThat(gw.upstream.last().path()).isEqualTo("/rest/pat/latest/tokens");
            assertThat(gw.upstream.last().header("X-Forwarded-User")).isEmpty();

            // A password is still refused on a REST path, by the password rule, not this one.
            var password = gw.send(
                    "GET",
                    "/rest/pat/latest/tokens",
                    Map.of("Authorization", "Basic " + BypassTest.b64("bob:bobs-password")),
                    null);
            assertThat(password.status()).isEqualTo(401);
            assertThat(password.body())
                    .contains("password authentication is disabled")
                    .doesNotContain("native");

            // A revoked or unknown PATgate token is refused as such.
            var unknown = gw.bearer("GET", "/rest/pat/latest/tokens", gw.readOnly() + "x");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(gw.upstream.received()).hasSize(1);
        }
    }

    @Test
    void theGenericProductHasNoNativeTokenApi() throws Exception {
        assertThat(UpstreamProduct.GENERIC.nativeTokenAdmin()).isEmpty();
        Path dir = Files.createDirectory(tmp.resolve("generic"));
        try (RunningGateway gw = RunningGateway.start(dir, Map.of())) {
            assertThat(gw.bearer("GET", "/rest/pat/latest/tokens", gw.readWrite())
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void foldingEquatesTheLettersACaseFoldingServerEquates() {
        NativeTokenAdmin bitbucket = NativeTokenAdmin.of(UpstreamProduct.BITBUCKET.nativeTokenAdmin());
        assertThat(bitbucket.covers("/rest/acce\u017Fs-to\u212Aens/latest")).isTrue(); // long s, Kelvin sign
        assertThat(bitbucket.covers("/REST/ACCESS-TOKENS")).isTrue();
        assertThat(bitbucket.covers("/rest/access-tokensx")).isFalse();
        assertThat(bitbucket.covers("/rest/api/1.0/projects")).isFalse();
        NativeTokenAdmin jira = NativeTokenAdmin.of(UpstreamProduct.JIRA.nativeTokenAdmin());
        assertThat(jira.covers("/jira/rest/pat")).isTrue();
        assertThat(jira.covers("/JIRA/Rest/PAT/")).isTrue();
        assertThat(jira.covers("/jira/rest/patterns")).isFalse();
        assertThat(NativeTokenAdmin.NONE.covers("/rest/pat")).isFalse();
    }
}
