package org.patgate.server.ui;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for the UI over loopback: keeps cookies by name (as the server set
 * them), never follows redirects, posts URL-encoded forms. One per simulated browser; not
 * thread-safe.
 */
final class UiClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    final Map<String, String> cookies = new LinkedHashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();

    UiClient(URI base) {
        this.base = base;
    }

    record Answer(int status, HttpHeaders headers, String body) {
        String location() {
            return headers.firstValue("location").orElse("");
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The CSRF token of the first form on the page. */
        String csrf() {
            Matcher m = CSRF.matcher(body);
            if (!m.find()) {
                throw new AssertionError("no CSRF field in: " + body);
            }
            return m.group(1);
        }
    }

    Answer get(String path) {
        return send("GET", path, null, Map.of());
    }

    Answer post(String path, Map<String, String> form) {
        return post(path, form, Map.of());
    }

    Answer post(String path, Map<String, String> form, Map<String, String> extraHeaders) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        Map<String, String> all = new LinkedHashMap<>(extraHeaders);
        all.put("Content-Type", "application/x-www-form-urlencoded");
        return send("POST", path, body, all);
    }

    Answer send(String method, String path, String body, Map<String, String> extraHeaders) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        extraHeaders.forEach(builder::header);
        if (!cookies.isEmpty()) {
            builder.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : response.headers().allValues("set-cookie")) {
                String pair = setCookie.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                if (setCookie.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, pair.substring(pair.indexOf('=') + 1));
                }
            }
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A client signed in through the form as {@code username}; fails the test if signing in does not work. */
    static UiClient signedIn(URI base, String username, String password) {
        UiClient client = new UiClient(base);
        Answer answer = client.signIn(username, password);
        if (answer.status() != 303) {
            throw new AssertionError("signing in as " + username + ": expected 303, got " + answer.status());
        }
        return client;
    }

    /** Signs in through the form and returns the answer to the form's POST. */
    Answer signIn(String username, String password) {
        Answer form = get("/.patgate/login");
        return post("/.patgate/login", Map.of("_csrf", form.csrf(), "username", username, "password", password));
    }

    /** The CSRF token of the signed-in session, read from a page as a browser would. */
    String csrf() {
        return get("/.patgate/tokens").csrf();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
