package org.patgate.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.patgate.server.http.Json;
import org.patgate.server.testing.Backend;
import org.patgate.server.testing.EndToEndTest;
import org.patgate.server.testing.FileTrees;
import org.patgate.server.testing.PostgresTest;
import org.patgate.server.testing.TestServer;
import org.patgate.server.testing.TestServer.Answer;
import org.patgate.server.token.TokenVerifier;

/**
 * Count-then-insert holds under concurrency, on H2 and on a real PostgreSQL, through the real API of
 * a real node: 50 parallel creations under {@code maxActiveTokens} (own tokens and tokens for
 * others), parallel approvals under the limit, parallel rotations of one token and parallel creation
 * of one username. The callers use web UI sessions, so the race is at the database and not behind
 * fifty password checks.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
@PostgresTest
@EndToEndTest
class AtomicPolicyTest {

    static final String API = "/.patgate/api/v1";
    static final String PW = "password-for-tests-1";
    static final int PARALLEL = 50;

    private static Path dir;
    private static TestServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Parameter
    Backend backend;

    @BeforeParameterizedClassInvocation
    static void start(Backend backend) throws IOException {
        dir = Files.createTempDirectory("patgate-atomic-");
        server = TestServer.on(backend, dir);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws IOException {
        server.close();
        FileTrees.deleteQuietly(dir);
    }

    @Test
    void fiftyParallelCreationsYieldExactlyTheLimit() throws Exception {
        policy("limited-own", Map.of("maxActiveTokens", 5));
        server.createUser("racer", PW, "limited-own");
        Session racer = Session.signIn("racer", PW);

        List<Answer> answers = parallel(
                PARALLEL, i -> racer.send("POST", API + "/tokens", Map.of("name", "race-" + i, "scope", "read-only")));

        assertExactlyTheLimitWon(answers, 201, 5, "at most 5 active tokens per user", "limited-own");
        assertThat(activeTokensOf("racer")).isEqualTo(5);
    }

    @Test
    void fiftyParallelCreationsForAnotherUserYieldExactlyTheLimit() throws Exception {
        policy("limited-others", Map.of("maxActiveTokens", 3));
        server.createUser("robot", PW, "limited-others");
        Session admin = Session.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

        List<Answer> answers = parallel(
                PARALLEL,
                i -> admin.send(
                        "POST",
                        API + "/tokens",
                        Map.of("name", "for-robot-" + i, "owner", "robot", "scope", "read-write")));

        assertExactlyTheLimitWon(answers, 201, 3, "at most 3 active tokens per user", "limited-others");
        assertThat(activeTokensOf("robot")).isEqualTo(3);
    }

    @Test
    void twoUsersCreatingTokensForEachOtherInParallelNeitherDeadlockNorExceedTheLimit() throws Exception {
        policy("crossing", Map.of("maxActiveTokens", 5));
        assertThat(server.asAdmin(
                                "PUT",
                                API + "/permissions/groups/crossing",
                                Map.of(
                                        "permissions",
                                        List.of("use-tokens", "create-tokens", "create-tokens-for-others")))
                        .status())
                .isEqualTo(200);
        server.createUser("ann", PW, "crossing");
        server.createUser("ben", PW, "crossing");
        Session ann = Session.signIn("ann", PW);
        Session ben = Session.signIn("ben", PW);

        // Each creation locks its owner's row while its foreign key points at the creator's.
        List<Answer> answers = parallel(
                PARALLEL,
                i -> i % 2 == 0
                        ? ann.send(
                                "POST",
                                API + "/tokens",
                                Map.of("name", "for-ben-" + i, "owner", "ben", "scope", "read-only"))
                        : ben.send(
                                "POST",
                                API + "/tokens",
                                Map.of("name", "for-ann-" + i, "owner", "ann", "scope", "read-only")));

        assertExactlyTheLimitWon(answers, 201, 10, "at most 5 active tokens per user", "crossing");
        assertThat(activeTokensOf("ann")).isEqualTo(5);
        assertThat(activeTokensOf("ben")).isEqualTo(5);
    }

    @Test
    void parallelApprovalsYieldExactlyTheLimit() throws Exception {
        policy("limited-approved", Map.of("maxActiveTokens", 4, "approvalRequired", true));
        server.createUser("waiter", PW, "limited-approved");
        Session waiter = Session.signIn("waiter", PW);
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Answer created = waiter.send("POST", API + "/tokens", Map.of("name", "wait-" + i, "scope", "read-only"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("status").asText()).isEqualTo("pending");
            pending.add(created.json().get("id").asText());
        }
        Session admin = Session.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

        List<Answer> answers = parallel(
                pending.size(), i -> admin.send("POST", API + "/tokens/" + pending.get(i) + "/approve", Map.of()));

        assertExactlyTheLimitWon(answers, 200, 4, "already has 4 active tokens", "limited-approved");
        assertThat(activeTokensOf("waiter")).isEqualTo(4);
    }

    @Test
    void parallelRotationsHandOutOnlySecretsThatWereCurrentAndExactlyOneWorksAfterwards() throws Exception {
        server.createUser("rotor", PW);
        Session rotor = Session.signIn("rotor", PW);
        Answer created = rotor.send("POST", API + "/tokens", Map.of("name", "spin", "scope", "read-only"));
        String id = created.json().get("id").asText();
        String original = created.json().get("token").asText();

        List<Answer> answers = parallel(20, i -> rotor.send("POST", API + "/tokens/" + id + "/rotate", Map.of()));

        assertThat(answers).as(summary(answers)).allMatch(a -> a.status() == 200 || isProblem(a, 409));
        List<String> secrets = answers.stream()
                .filter(a -> a.status() == 200)
                .map(a -> {
                    String secret = a.json().get("token").asText();
                    assertThat(a.json().get("hint").asText())
                            .as("the answer describes its own secret")
                            .isEqualTo("…" + secret.substring(secret.length() - 4));
                    return secret;
                })
                .toList();
        assertThat(secrets).isNotEmpty().doesNotHaveDuplicates();
        assertThat(secrets.stream()
                        .filter(s -> server.server().verifier().verify(s) instanceof TokenVerifier.Verification.Valid))
                .as("exactly the last rotation's secret works")
                .hasSize(1);
        assertThat(server.server().verifier().verify(original)).isNotInstanceOf(TokenVerifier.Verification.Valid.class);
    }

    @Test
    void twoRotationsFromTheSameSecretCannotBothWin() {
        server.createUser("rotor2", PW);
        Answer created =
                server.call("POST", API + "/tokens", "rotor2", PW, Map.of("name", "cas", "scope", "read-only"));
        String id = created.json().get("id").asText();
        var tokens = server.server().database().tokens();
        String before = tokens.findById(id).orElseThrow().digestHex();
        Instant at = Instant.now();

        assertThat(tokens.rotate(id, before, "a".repeat(64), "aaaa", at)).isTrue();
        assertThat(tokens.rotate(id, before, "b".repeat(64), "bbbb", at))
                .as("stale view of the secret")
                .isFalse();
        assertThat(tokens.findById(id).orElseThrow().digestHex()).isEqualTo("a".repeat(64));
    }

    @Test
    void parallelCreationsOfOneUsernameHaveOneWinner() throws Exception {
        Session admin = Session.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

        List<Answer> answers = parallel(
                8,
                i -> admin.send(
                        "POST", API + "/users", Map.of("username", i % 2 == 0 ? "twin" : "TWIN", "password", PW)));

        assertThat(answers.stream().filter(a -> a.status() == 201))
                .as(summary(answers))
                .hasSize(1);
        assertThat(answers).as(summary(answers)).allMatch(a -> a.status() == 201 || isProblem(a, 409));
    }

    private static void assertExactlyTheLimitWon(List<Answer> answers, int success, int limit, String... refusal) {
        assertThat(answers.stream().filter(a -> a.status() == success))
                .as(summary(answers))
                .hasSize(limit);
        for (Answer answer : answers) {
            if (answer.status() != success) {
                assertThat(isProblem(answer, 409))
                        .as(answer.status() + " " + answer.body())
                        .isTrue();
                assertThat(answer.json().get("detail").asText()).contains(refusal);
            }
        }
    }

    private static boolean isProblem(Answer answer, int status) {
        return answer.status() == status && answer.contentType().startsWith("application/problem+json");
    }

    private static String summary(List<Answer> answers) {
        return answers.stream()
                .collect(Collectors.groupingBy(Answer::status, Collectors.counting()))
                .toString();
    }

    private static long activeTokensOf(String owner) {
        Answer answer = server.asAdmin("GET", API + "/tokens?status=active&owner=" + owner, null);
        return answer.json().get("total").asLong();
    }

    private static void policy(String group, Map<String, Object> policy) {
        Answer answer = server.asAdmin("PUT", API + "/policies/groups/" + group, policy);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** Runs {@code count} calls at once (released together) and returns their answers. */
    private static List<Answer> parallel(int count, IntFunction<Answer> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(threads.submit(() -> {
                    start.await();
                    return retryingWhileBusy(() -> call.apply(n));
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }

    /**
     * The call's answer once it is not "busy": eight password hashes at once on two cores may wait
     * longer than the password-check limit lets them, and then the node answers 503 busy before the
     * request reaches what is raced here. A client retries those after {@code Retry-After}, as this does
     * (a bounded number of times).
     */
    private static Answer retryingWhileBusy(Supplier<Answer> call) throws InterruptedException {
        Answer answer = call.get();
        for (int attempt = 1;
                attempt < 20 && isProblem(answer, 503) && answer.body().contains("/problems/busy");
                attempt++) {
            Thread.sleep(
                    Long.parseLong(answer.headers().firstValue("Retry-After").orElse("1")) * 1000);
            answer = call.get();
        }
        return answer;
    }

    /** A signed-in web UI session, used for API calls with its CSRF header as the UI's scripts do. */
    record Session(String cookies, String csrf) {

        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

        static Session signIn(String username, String password) {
            Map<String, String> jar = new LinkedHashMap<>();
            String form = get("/.patgate/login", jar);
            String body = "_csrf=" + enc(csrfIn(form)) + "&username=" + enc(username) + "&password=" + enc(password);
            HttpResponse<String> login = send(
                    HttpRequest.newBuilder(uri("/.patgate/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)),
                    jar);
            assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
            return new Session(cookieHeader(jar), csrfIn(get("/.patgate/tokens", jar)));
        }

        Answer send(String method, String path, Object json) {
            HttpResponse<String> response = Session.send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Cookie", cookies)
                            .header("X-CSRF-Token", csrf)
                            .header("Content-Type", "application/json")
                            .header("Origin", server.baseUri().toString().replaceAll("/$", ""))
                            .header("Sec-Fetch-Site", "same-origin")
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(json))),
                    null);
            return new Answer(response.statusCode(), response.headers(), response.body());
        }

        private static String get(String path, Map<String, String> jar) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
            if (!jar.isEmpty()) {
                request.header("Cookie", cookieHeader(jar));
            }
            HttpResponse<String> response = send(request, jar);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response.body();
        }

        private static HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> jar) {
            try {
                if (jar != null && !jar.isEmpty()) {
                    request.setHeader("Cookie", cookieHeader(jar));
                }
                HttpResponse<String> response = HTTP.send(
                        request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                if (jar != null) {
                    for (String setCookie : response.headers().allValues("set-cookie")) {
                        String pair = setCookie.split(";", 2)[0];
                        jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                    }
                }
                return response;
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        private static String csrfIn(String page) {
            Matcher m = CSRF.matcher(page);
            assertThat(m.find()).as("a CSRF field in " + page).isTrue();
            return m.group(1);
        }

        private static String cookieHeader(Map<String, String> jar) {
            return jar.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "));
        }

        private static URI uri(String path) {
            return server.baseUri().resolve(path);
        }

        private static String enc(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
