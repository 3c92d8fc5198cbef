package org.patgate.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.RawHttp2;
import org.patgate.server.testing.RunningGateway;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;

/**
 * Clients that send credentials only after a challenge work: every 401 on a REST path offers
 * {@code Basic realm="patgate"} beside {@code Bearer realm="patgate"} (one field each, Bearer
 * first), and real non-preemptive Basic clients — the JDK's {@link Authenticator}, Jetty's
 * authentication store, {@code curl --anyauth}, Python's {@code HTTPBasicAuthHandler} — then send
 * the token as the Basic password and get through, with the token never reaching the upstream.
 */
@EndToEndTest
class ChallengeTest {

    static final String REST = "/rest/api/2/myself";
    static final List<String> CHALLENGES = List.of("Bearer realm=\"patgate\"", "Basic realm=\"patgate\"");

    @RegisterExtension
    static final RunningGateway gw = RunningGateway.builder().build();

    @Test
    void every401OnARestPathOffersBearerThenBasic() {
        List<Answer> answers = List.of(
                gw.send("GET", REST, Map.of(), null),
                gw.bearer("GET", REST, "pat_" + "A".repeat(34)),
                gw.send(
                        "GET",
                        REST,
                        Map.of("Authorization", TestServer.basic("alice", RunningGateway.ALICE_PASSWORD)),
                        null),
                gw.send("GET", REST, Map.of("Authorization", "Digest username=\"alice\""), null),
                gw.send("POST", REST, Map.of("Content-Type", "application/json"), "{}"));

        for (Answer answer : answers) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(401);
            assertThat(answer.headers().allValues("www-authenticate")).isEqualTo(CHALLENGES);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
        }
        assertThat(gw.upstream.received()).isEmpty();
    }

    @Test
    void http2401sOfferBothChallengesToo() {
        RawHttp2.Answer answer = RawHttp2.send(gw.base(), "GET", REST, Map.of(), null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.headers().getValuesList("WWW-Authenticate")).isEqualTo(CHALLENGES);
    }

    @Test
    void refusalsThatAreNot401CarryNoChallenge() {
        Answer forbidden = gw.bearer("DELETE", "/rest/api/2/issue/X-1", gw.readOnly());

        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.headers().allValues("www-authenticate")).isEmpty();
    }

    private void assertForwardedAsAlice() {
        assertThat(gw.upstream.received()).hasSize(1);
        assertThat(gw.upstream.last().header("X-Forwarded-User")).containsExactly("alice");
        assertThat(gw.upstream.last().header("Authorization")).isEmpty();
    }

    @Test
    void jdkAuthenticatorSendsTheTokenAfterTheChallenge() throws Exception {
        List<String> asked = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        asked.add(getRequestingScheme().toLowerCase(Locale.ROOT) + " " + getRequestingPrompt());
                        return new PasswordAuthentication(
                                "alice", gw.readWrite().toCharArray());
                    }
                })
                .build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(gw.base() + REST))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(asked).containsExactly("basic patgate");
        assertForwardedAsAlice();
    }

    @Test
    void jettyClientAuthenticationStoreSendsTheTokenAfterTheChallenge() throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        client.start();
        try {
            URI base = gw.base();
            client.getAuthenticationStore()
                    .addAuthentication(new BasicAuthentication(base, "patgate", "alice", gw.readWrite()));

            ContentResponse response = client.newRequest(base.resolve(REST))
                    .timeout(30, TimeUnit.SECONDS)
                    .send();

            assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
            assertForwardedAsAlice();
        } finally {
            client.stop();
        }
    }

    /** Runs a command with a bounded wait; null when the program is not installed. */
    private static String run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return null;
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.getFirst() + " did not finish in 30 s");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void curlAnyauthSendsTheTokenAfterTheChallenge() throws Exception {
        String out = run(List.of("curl", "--version"));
        assumeTrue(out != null && out.startsWith("curl"), "curl is not installed");

        String status = run(List.of(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--anyauth",
                "-u",
                "alice:" + gw.readWrite(),
                gw.base() + REST));

        assertThat(status).isEqualTo("200");
        assertForwardedAsAlice();
    }

    @Test
    void pythonBasicAuthHandlerSendsTheTokenAfterTheChallenge() throws Exception {
        String version = run(List.of("python3", "--version"));
        assumeTrue(version != null && version.startsWith("Python 3"), "python3 is not installed");
        String script = String.join(
                "\n",
                "import sys, urllib.request",
                "manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()",
                "manager.add_password(None, sys.argv[1], 'alice', sys.argv[2])",
                "opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(manager))",
                "print(opener.open(sys.argv[1], timeout=20).status)");

        String status = run(List.of("python3", "-c", script, gw.base() + REST, gw.readWrite()));

        assertThat(status).isEqualTo("200");
        assertForwardedAsAlice();
    }
}
