package org.patgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patgate.server.config.UpstreamProduct;
import org.patgate.server.testing.FakeAccounts.NativeToken;

/** The fakes answer as the products do, so the tests built on them prove something about the real ones. */
class FakeAtlassianTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private FakeAtlassian product;

    @AfterEach
    void stop() throws Exception {
        product.close();
    }

    private FakeAtlassian start(UpstreamProduct which, String contextPath) throws Exception {
        product = FakeAtlassian.start(which, clock, contextPath);
        product.addUser("alice", "secret", "Alice Example");
        return product;
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(product.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jiraNamesTheReaderOfAnIssueAndRecordsWhatItSaw() throws Exception {
        start(UpstreamProduct.JIRA, "/jira");
        NativeToken token = product.seedToken("alice", "t", Duration.ofDays(1));

        HttpResponse<String> read = send("GET", "/rest/api/2/issue/TEST-1", "Bearer " + token.secret(), null);

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("X-AUSERNAME")).contains("alice");
        assertThat(JSON.readTree(read.body()).path("readBy").asText()).isEqualTo("alice");
        assertThat(product.last().path()).isEqualTo("/rest/api/2/issue/TEST-1");
        assertThat(product.last().header("authorization")).contains("Bearer " + token.secret());
        assertThat(product.receivedAt("/rest/api/2/issue/TEST-1")).hasSize(1);
    }

    @Test
    void jiraRefusesAWriteWithoutAUserAndAnUnknownTokenEverywhere() throws Exception {
        start(UpstreamProduct.JIRA, "");

        HttpResponse<String> anonymousWrite = send("POST", "/rest/api/2/issue", null, "{}");
        HttpResponse<String> unknownToken = send("POST", "/rest/api/2/search", "Bearer nope", "{}");
        HttpResponse<String> write = send("POST", "/rest/api/2/issue", basic("alice", "secret"), "{}");

        assertThat(anonymousWrite.statusCode()).isEqualTo(401);
        assertThat(anonymousWrite.headers().firstValue("X-AUSERNAME")).contains("anonymous");
        assertThat(unknownToken.statusCode()).isEqualTo(401);
        assertThat(write.statusCode()).isEqualTo(201);
        assertThat(product.requestCount()).isEqualTo(3);
    }

    @Test
    void patsAreCreatedOnceListedWithoutTheSecretAndExpireOnTheClock() throws Exception {
        start(UpstreamProduct.CONFLUENCE, "/confluence");

        HttpResponse<String> created = send(
                "POST",
                "/rest/pat/latest/tokens",
                basic("alice", "secret"),
                "{\"name\":\"t\",\"expirationDuration\":2}");
        JsonNode token = JSON.readTree(created.body());
        HttpResponse<String> listed = send("GET", "/rest/pat/latest/tokens", basic("alice", "secret"), null);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(token.path("expiringAt").asText()).isEqualTo("2026-03-03T10:00:00.000Z");
        assertThat(listed.body())
                .contains("\"name\":\"t\"")
                .doesNotContain(token.path("rawToken").asText());
        String bearer = "Bearer " + token.path("rawToken").asText();
        assertThat(JSON.readTree(send("GET", "/rest/api/user/current", bearer, null)
                                .body())
                        .path("username")
                        .asText())
                .isEqualTo("alice");

        clock.advance(Duration.ofDays(2));

        HttpResponse<String> expired = send("GET", "/rest/api/content/42", bearer, null);
        assertThat(expired.statusCode())
                .as("Confluence answers a wrong PAT as anonymous")
                .isEqualTo(200);
        assertThat(expired.headers().firstValue("X-AUSERNAME")).contains("anonymous");
        assertThat(JSON.readTree(expired.body()).path("readBy").asText()).isEqualTo("anonymous");
    }

    @Test
    void bitbucketTokensAreManagedOnlyWithThePasswordAndScmGoesToTheMountedHandler() throws Exception {
        start(UpstreamProduct.BITBUCKET, "");
        NativeToken token = product.seedToken("alice", "t", null);
        product.mountScm(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap("git".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });

        HttpResponse<String> withToken = send(
                "DELETE", "/rest/access-tokens/latest/users/alice/" + token.id(), "Bearer " + token.secret(), null);
        HttpResponse<String> projects = send("GET", "/rest/api/latest/projects", "Bearer " + token.secret(), null);
        HttpResponse<String> scm = send(
                "GET",
                "/scm/prj/repo.git/info/refs",
                "Bearer " + product.seedToken("alice", "git", null).secret(),
                null);
        HttpResponse<String> withPassword =
                send("DELETE", "/rest/access-tokens/latest/users/alice/" + token.id(), basic("alice", "secret"), null);

        assertThat(withToken.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(withToken.body())
                        .path("errors")
                        .get(0)
                        .path("message")
                        .asText())
                .isNotBlank();
        assertThat(projects.statusCode()).isEqualTo(200);
        assertThat(scm.body()).isEqualTo("git");
        assertThat(scm.headers().firstValue("X-AUSERNAME")).contains("alice");
        assertThat(withPassword.statusCode()).isEqualTo(204);
        assertThat(product.tokensOf("alice")).noneMatch(t -> t.id().equals(token.id()));
        assertThat(send("GET", "/scm/prj/repo.git/info/refs", null, null).statusCode())
                .as("no anonymous git")
                .isEqualTo(401);
        assertThat(send("GET", "/scm/prj/repo.git/info/refs", "Bearer " + token.secret(), null)
                        .statusCode())
                .as("a revoked token is refused")
                .isEqualTo(401);
    }
}
