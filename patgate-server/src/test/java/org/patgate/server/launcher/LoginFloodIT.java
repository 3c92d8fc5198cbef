package org.patgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patgate.server.testing.RecordingUpstream;

/**
 * A burst of wrong-password logins against a node started the way admins start it
 * ({@code bin/patgate serve}, {@code PATGATE_HEAP=256m}): 500 parallel wrong Basic logins from one
 * address, 500 from 250 others (client sockets bound to distinct 127.0.x.y addresses), 100 UI
 * sign-ins, while a valid token keeps being used on the gateway. The node stays up, no answer is a
 * 500 or takes longer than the published bound, the single address gets at most its 10 counted
 * attempts, and every token request succeeds.
 */
class LoginFloodIT {

    private static final String ADMIN_PASSWORD = "flood-admin-password";
    /** Liveness bound for any single answer during the burst (generous for a loaded 2-core machine). */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    record Raw(int status, String head, long millis) {}

    @Test
    void aBurstOfWrongLoginsNeitherTakesTheNodeDownNorStopsTokenTraffic() throws Exception {
        try (RecordingUpstream upstream = new RecordingUpstream()) {
            Path config = dir.resolve("patgate.yml");
            Files.writeString(config, """
                    listen: { host: 127.0.0.1, port: 0 }
                    upstream: { url: "%s" }
                    database: { url: "jdbc:h2:file:./data/patgate" }
                    tokens: { pepperFile: ./data/pepper }
                    """.formatted(upstream.url()));
            ProcessBuilder builder = new ProcessBuilder(
                            LauncherIT.LAUNCHER.toString(), "serve", "--config", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("PATGATE_BOOTSTRAP_ADMINPASSWORD", ADMIN_PASSWORD);
            builder.environment().put("PATGATE_HEAP", "256m");
            builder.environment().put("PATGATE_AOT", "off");
            Process process = builder.start();
            StringBuffer output = new StringBuffer();
            CompletableFuture<URI> listening = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> readOutput(process, output, listening));
            try {
                URI base = listening.get(60, TimeUnit.SECONDS);
                flood(base);
                assertThat(process.isAlive())
                        .as("the node is still running; output:\n" + output)
                        .isTrue();
                assertThat(health(base)).isEqualTo(200);
            } finally {
                process.toHandle().destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                reader.join(5_000);
            }
            // The JVM runs with -XX:+ExitOnOutOfMemoryError: it would print this and end.
            assertThat(output.toString()).doesNotContain("java.lang.OutOfMemoryError");
        }
    }

    private void flood(URI base) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String token = createToken(http, base);
        LoginForm form = loginForm(base);

        AtomicBoolean stop = new AtomicBoolean();
        Queue<Integer> tokenStatuses = new ConcurrentLinkedQueue<>();
        Queue<Long> tokenMillis = new ConcurrentLinkedQueue<>();
        Thread tokenTraffic = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                long started = System.nanoTime();
                tokenStatuses.add(send(
                                http,
                                HttpRequest.newBuilder(base.resolve("/rest/api/2/myself"))
                                        .header("Authorization", "Bearer " + token)
                                        .timeout(ANSWER_BOUND)
                                        .build())
                        .statusCode());
                tokenMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                sleep(20);
            }
        });

        List<Future<Raw>> oneAddress = new ArrayList<>();
        List<Future<Raw>> manyAddresses = new ArrayList<>();
        List<Future<Raw>> uiSignIns = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 500; i++) {
                oneAddress.add(pool.submit(() -> basicLogin(base, "127.0.0.2", "someone", "guess")));
                String address = "127.0.1." + (1 + i % 250);
                String user = "user" + i;
                manyAddresses.add(pool.submit(() -> basicLogin(base, address, user, "guess")));
            }
            for (int i = 0; i < 100; i++) {
                String address = "127.0.2." + (1 + i % 100);
                uiSignIns.add(pool.submit(() -> uiSignIn(base, address, form)));
            }
            long burstStarted = System.nanoTime();
            List<Raw> one = results(oneAddress);
            List<Raw> many = results(manyAddresses);
            List<Raw> ui = results(uiSignIns);
            System.out.println("login flood: " + (one.size() + many.size() + ui.size()) + " logins answered in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstStarted) + " ms; slowest "
                    + concat(concat(one, many), ui).stream()
                            .mapToLong(Raw::millis)
                            .max()
                            .orElse(-1) + " ms; statuses "
                    + concat(concat(one, many), ui).stream()
                            .collect(Collectors.groupingBy(Raw::status, Collectors.counting())));
            stop.set(true);
            tokenTraffic.join(30_000);

            for (Raw answer : concat(one, many)) {
                assertThat(answer.status()).as(answer.head()).isIn(401, 429, 503);
                assertThat(answer.head().toLowerCase())
                        .as(answer.head())
                        .contains("content-type: application/problem+json");
                if (answer.status() != 401) {
                    assertThat(answer.head().toLowerCase()).as(answer.head()).contains("retry-after:");
                }
                assertThat(answer.millis()).isLessThan(ANSWER_BOUND.toMillis());
            }
            for (Raw answer : ui) {
                assertThat(answer.status()).as(answer.head()).isIn(401, 429, 503);
                assertThat(answer.millis()).isLessThan(ANSWER_BOUND.toMillis());
            }
            // Counted at start: of 500 parallel attempts from one address, at most its 10 were checked.
            assertThat(one.stream().filter(a -> a.status() == 401).count()).isLessThanOrEqualTo(10);
            assertThat(one.stream().filter(a -> a.status() != 401).count()).isGreaterThanOrEqualTo(490);
            assertThat(many.stream().filter(a -> a.status() == 401).count())
                    .as("some were really checked")
                    .isPositive();
        }
        long maxTokenMillis =
                tokenMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
        System.out.println("login flood: " + tokenStatuses.size() + " token requests during the burst, slowest "
                + maxTokenMillis + " ms");
        assertThat(tokenStatuses)
                .as("token requests during the burst")
                .hasSizeGreaterThan(3)
                .containsOnly(200);
        assertThat(maxTokenMillis).as("slowest token request, ms").isLessThan(ANSWER_BOUND.toMillis());
        // A real user from an address that did not flood still signs in afterwards.
        HttpResponse<String> me = send(
                http,
                HttpRequest.newBuilder(base.resolve("/.patgate/api/v1/me"))
                        .header("Authorization", basic("admin", ADMIN_PASSWORD))
                        .timeout(ANSWER_BOUND)
                        .build());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    }

    private static String createToken(HttpClient http, URI base) {
        HttpResponse<String> created = send(
                http,
                HttpRequest.newBuilder(base.resolve("/.patgate/api/v1/tokens"))
                        .header("Authorization", basic("admin", ADMIN_PASSWORD))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"flood\"}"))
                        .timeout(ANSWER_BOUND)
                        .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher matcher = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    record LoginForm(String cookie, String csrf) {}

    private static LoginForm loginForm(URI base) {
        Raw page = raw(
                base,
                "127.0.0.3",
                "GET /.patgate/login HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n");
        Matcher cookie =
                Pattern.compile("(?i)set-cookie: (patgate-login=[^;]+)").matcher(page.head());
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.head());
        assertThat(cookie.find() && csrf.find()).as(page.head()).isTrue();
        return new LoginForm(cookie.group(1), csrf.group(1));
    }

    private static Raw basicLogin(URI base, String from, String user, String password) {
        return raw(
                base,
                from,
                "GET /.patgate/api/v1/me HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: "
                        + basic(user, password) + "\r\nConnection: close\r\n\r\n");
    }

    private static Raw uiSignIn(URI base, String from, LoginForm form) {
        String body = Map.of("_csrf", form.csrf(), "username", "admin", "password", "wrong-" + from).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return raw(
                base,
                from,
                "POST /.patgate/login HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nCookie: "
                        + form.cookie() + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    /** One request on a socket bound to {@code from}; the whole answer (head and body) as text. */
    private static Raw raw(URI base, String from, String request) {
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout((int) ANSWER_BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Raw(status, text, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (IOException e) {
            return new Raw(0, "no answer: " + e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    private static List<Raw> results(List<Future<Raw>> futures) throws Exception {
        List<Raw> results = new ArrayList<>();
        for (Future<Raw> future : futures) {
            results.add(future.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    private static List<Raw> concat(List<Raw> a, List<Raw> b) {
        List<Raw> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static int health(URI base) {
        return send(
                        HttpClient.newHttpClient(),
                        HttpRequest.newBuilder(base.resolve("/.patgate/health"))
                                .timeout(ANSWER_BOUND)
                                .build())
                .statusCode();
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void readOutput(Process process, StringBuffer output, CompletableFuture<URI> listening) {
        Pattern pattern = Pattern.compile("PATgate listening on (http://\\S+) ");
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        listening.completeExceptionally(new AssertionError("server did not report listening; output:\n" + output));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
