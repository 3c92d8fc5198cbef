package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RecordingUpstream;
import org.patgate.server.testing.RunningGateway;

/**
 * What the Jira and Confluence presets let a read-only token do: their read-only POSTs (JQL search in
 * every API version, content body conversion) pass, other POSTs do not; and a read-only token can never
 * switch off the product's XSRF check, because every spelling of {@code X-Atlassian-Token} is removed
 * from its requests (a read-write token keeps it).
 */
@EndToEndTest
class StockPresetTest {

    static final List<String> XSRF_SPELLINGS =
            List.of("X-Atlassian-Token", "x-atlassian-token", "X_Atlassian_Token", "X.ATLASSIAN.TOKEN");

    @TempDir
    Path tmp;

    @Test
    void aReadOnlyTokenNeverCarriesXAtlassianTokenUpstreamAReadWriteTokenDoes() throws Exception {
        try (RunningGateway gw = RunningGateway.start(
                Files.createDirectory(tmp.resolve("jira")), Map.of("PATGATE_UPSTREAM_PRODUCT", "jira"))) {
            StringBuilder headers = new StringBuilder();
            for (String name : XSRF_SPELLINGS) {
                headers.append(name).append(": no-check\r\n");
            }
            for (String path : List.of("/rest/api/2/issue/PROJ-1", "/secure/Dashboard.jspa", "/rest/api/2/search")) {
                for (String method : List.of("GET", "POST")) {
                    String body = method.equals("POST") ? "{}" : "";
                    String readOnly = send(gw, method, path, "Bearer " + gw.readOnly(), headers, body);
                    if (method.equals("POST") && !path.endsWith("/search")) {
                        assertThat(readOnly).startsWith("HTTP/1.1 403");
                        continue;
                    }
                    assertThat(readOnly).as(method + " " + path).startsWith("HTTP/1.1 200");
                    assertThat(xsrfHeaders(gw.upstream.last()))
                            .as(method + " " + path)
                            .isEmpty();

                    String readWrite = send(gw, method, path, "Bearer " + gw.readWrite(), headers, body);
                    assertThat(readWrite).startsWith("HTTP/1.1 200");
                    assertThat(xsrfHeaders(gw.upstream.last()))
                            .as(method + " " + path)
                            .hasSize(4);
                }
            }
            // Basic with the token as password, and HTTP/2.
            send(gw, "GET", "/rest/api/2/myself", "Basic " + BypassTest.b64("alice:" + gw.readOnly()), headers, "");
            assertThat(xsrfHeaders(gw.upstream.last())).isEmpty();
            try (RawHttp2 http2 = RawHttp2.connect(gw.base())) {
                for (String token : List.of(gw.readOnly(), gw.readWrite())) {
                    RawHttp2.Answer answer = http2.send(
                            "GET",
                            "/rest/api/2/myself",
                            Map.of(
                                    "authorization", "Bearer " + token,
                                    "x-atlassian-token", "no-check",
                                    "x_atlassian_token", "no-check",
                                    "x.atlassian.token", "no-check"),
                            null);
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(xsrfHeaders(gw.upstream.last())).hasSize(token.equals(gw.readOnly()) ? 0 : 3);
                }
            }
            // Without a token (the product's own session) the header is the product's business.
            send(gw, "GET", "/rest/api/2/myself", null, headers.append("Cookie: JSESSIONID=x\r\n"), "");
            assertThat(xsrfHeaders(gw.upstream.last())).hasSize(4);
        }
    }

    @Test
    void jiraSearchInEveryApiVersionIsAReadOnlyPost() throws Exception {
        try (RunningGateway gw = RunningGateway.start(
                Files.createDirectory(tmp.resolve("jira")), Map.of("PATGATE_UPSTREAM_PRODUCT", "jira"))) {
            for (String context : List.of("", "/jira")) {
                for (String version : List.of("2", "3", "latest")) {
                    for (String search : List.of("/search", "/search/jql")) {
                        String path = context + "/rest/api/" + version + search;
                        assertThat(post(gw, path, gw.readOnly())).as(path).isEqualTo(200);
                    }
                }
                assertThat(post(gw, context + "/rest/api/latest/issue", gw.readOnly()))
                        .isEqualTo(403);
                assertThat(post(gw, context + "/rest/api/latest/search/other", gw.readOnly()))
                        .isEqualTo(403);
            }
            assertThat(UpstreamProduct.JIRA.readOnlyPosts())
                    .contains("/rest/api/latest/search", "/jira/rest/api/latest/search/jql");
        }
    }

    @Test
    void confluenceContentBodyConversionIsAReadOnlyPost() throws Exception {
        try (RunningGateway gw = RunningGateway.start(
                Files.createDirectory(tmp.resolve("confluence")), Map.of("PATGATE_UPSTREAM_PRODUCT", "confluence"))) {
            for (String context : List.of("", "/wiki", "/confluence")) {
                for (String to : List.of("view", "storage", "export_view")) {
                    String path = context + "/rest/api/contentbody/convert/" + to;
                    assertThat(post(gw, path, gw.readOnly())).as(path).isEqualTo(200);
                }
                for (String write : List.of(
                        "/rest/api/contentbody/convert", "/rest/api/contentbody/convert/view/x", "/rest/api/content")) {
                    assertThat(post(gw, context + write, gw.readOnly()))
                            .as(context + write)
                            .isEqualTo(403);
                }
            }
        }
    }

    private static int post(RunningGateway gw, String path, String token) {
        return gw.send(
                        "POST",
                        path,
                        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                        "{\"value\":\"<p>x</p>\"}")
                .status();
    }

    private static String send(
            RunningGateway gw, String method, String path, String authorization, CharSequence headers, String body) {
        return RawHttp.send(
                        gw.base(),
                        method + " " + path + " HTTP/1.1\r\nHost: gw\r\n"
                                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                                + headers + "Content-Type: application/json\r\nContent-Length: " + body.length()
                                + "\r\nConnection: close\r\n\r\n" + body)
                .text();
    }

    private static List<String> xsrfHeaders(RecordingUpstream.Received received) {
        return received.headerNames().stream()
                .filter(name -> HeaderNames.hasKey(name, "x-atlassian-token"))
                .toList();
    }
}
