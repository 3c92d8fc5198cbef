package org.patgate.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One product's HTTP channel for the native account calls: the base URL (with any context path, such as
 * {@code /jira}), one JDK {@link HttpClient}, bounded answers and the translation of transport failures
 * into {@link UpstreamUnavailableException}. Thread-safe.
 *
 * <p>Never puts a credential in an exception message: messages name the product, the method, the path
 * template and the status only.
 */
final class UpstreamHttp {

    /** Larger answers are not what these endpoints send; reading stops there. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** The header Atlassian products set on every answer: the authenticated username, or "anonymous". */
    static final String AUTHENTICATED_USER_HEADER = "X-AUSERNAME";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String productName;
    private final String base;
    private final Duration readTimeout;
    private final HttpClient client;

    UpstreamHttp(String productName, URI upstreamUrl, Duration connectTimeout, Duration readTimeout) {
        this.productName = Objects.requireNonNull(productName, "productName");
        String url = Objects.requireNonNull(upstreamUrl, "upstreamUrl").toString();
        if (!"http".equals(upstreamUrl.getScheme()) && !"https".equals(upstreamUrl.getScheme())) {
            throw new IllegalArgumentException("upstream.url must be http or https, not " + upstreamUrl.getScheme());
        }
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.client = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
                // A redirect here is a login page or a misconfigured base URL, never an answer.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    String productName() {
        return productName;
    }

    /** An answer from the product: status, headers and the (bounded) body as UTF-8 text. */
    record Answer(int status, HttpHeaders headers, String body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean authenticationRefused() {
            return status == 401 || status == 403;
        }

        /** The username the product says authenticated the request, if it said. */
        Optional<String> authenticatedUser() {
            return headers.firstValue(AUTHENTICATED_USER_HEADER).map(String::strip);
        }
    }

    /**
     * Sends one request. {@code pathTemplate} names the call in messages (it never carries a secret);
     * {@code path} is the encoded path below the base URL.
     */
    Answer send(String method, String pathTemplate, String path, String authorization, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(readTimeout)
                .header("Accept", "application/json")
                // Atlassian's XSRF check refuses state-changing REST calls without it.
                .header("X-Atlassian-Token", "no-check")
                .header("Authorization", authorization);
        if (jsonBody == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        String call = productName + " " + method + " " + pathTemplate;
        CompletableFuture<HttpResponse<byte[]>> pending =
                client.sendAsync(builder.build(), info -> new BoundedBodySubscriber(MAX_ANSWER_BYTES));
        try {
            // The request timeout bounds the wait for the headers; this bounds the body as well.
            HttpResponse<byte[]> response = pending.get(readTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return new Answer(
                    response.statusCode(), response.headers(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new UpstreamUnavailableException(call + " did not answer within " + readTimeout.multipliedBy(2));
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException(call + " was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BoundedBodySubscriber.TooLargeException) {
                throw new UpstreamUnavailableException(
                        call + " answered with more than " + MAX_ANSWER_BYTES + " bytes, which it never sends");
            }
            throw new UpstreamUnavailableException(call + " failed: "
                    + (cause == null ? "unknown" : cause.getClass().getSimpleName()));
        }
    }

    /** Parses a JSON object answer, or fails as unavailable: the product never answers these calls otherwise. */
    JsonNode jsonObject(Answer answer, String pathTemplate) {
        try {
            JsonNode node = JSON.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw notExpected(pathTemplate, answer.status(), "not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw notExpected(pathTemplate, answer.status(), "not JSON");
        }
    }

    UpstreamUnavailableException notExpected(String pathTemplate, int status, String what) {
        return new UpstreamUnavailableException(
                productName + " answered " + pathTemplate + " with " + status + ", " + what + ", which it never does");
    }

    /** A text field, or null when absent, null or blank. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /**
     * The product's own error message from an error answer (Jira's {@code errorMessages}, Bitbucket's
     * {@code errors[].message}, or a plain {@code message}), cut short and stripped of control characters,
     * for an operator-facing message. Empty when the answer carries none.
     */
    static String productMessage(Answer answer) {
        JsonNode node;
        try {
            node = JSON.readTree(answer.body());
        } catch (IOException e) {
            return "";
        }
        if (node == null || !node.isObject()) {
            return "";
        }
        StringBuilder found = new StringBuilder();
        for (String arrayField : List.of("errorMessages", "errors")) {
            JsonNode array = node.get(arrayField);
            if (array != null && array.isArray()) {
                for (JsonNode item : array) {
                    String message = item.isTextual() ? item.asText() : text(item, "message");
                    if (message != null) {
                        found.append(found.isEmpty() ? "" : "; ").append(message);
                    }
                }
            }
        }
        if (found.isEmpty() && text(node, "message") != null) {
            found.append(text(node, "message"));
        }
        String clean = found.toString().replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
    }

    /**
     * The product refused a username and password. Jira and Confluence refuse without checking the
     * password once CAPTCHA is required after failed logins, and say so in {@code X-Seraph-LoginReason}
     * or {@code X-Authentication-Denied-Reason}: only a login in the browser clears it.
     */
    /** A token the product minted: its id, its secret, and the whole answer for the rest. */
    record Created(JsonNode body, String id, String secret) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", secret=***]";
        }
    }

    /**
     * The product's answer to minting a token with a password: the created token, whose secret is in
     * {@code secretField}, or why there is none (a refused password, the product's caps, an answer
     * these calls never get).
     */
    Created created(Answer answer, String pathTemplate, String username, String capsPlace, String secretField) {
        if (answer.authenticationRefused()) {
            throw passwordRefused(answer, username);
        }
        if (!answer.ok()) {
            throw mintRefused(answer, pathTemplate, username, capsPlace);
        }
        JsonNode body = jsonObject(answer, pathTemplate);
        String id = text(body, "id");
        String secret = text(body, secretField);
        if (id == null || secret == null) {
            throw notExpected(pathTemplate, answer.status(), "without the token's id or " + secretField);
        }
        return new Created(body, id, secret);
    }

    NativeTokenRejectedException passwordRefused(Answer answer, String username) {
        String reason = answer.headers().firstValue("X-Seraph-LoginReason").orElse("");
        boolean captcha =
                answer.headers().firstValue("X-Authentication-Denied-Reason").isPresent()
                        || reason.contains("AUTHENTICATION_DENIED")
                        || reason.contains("AUTHENTICATED_FAILED");
        if (captcha) {
            return new NativeTokenRejectedException(productName + " asks " + username + " for a CAPTCHA after failed"
                    + " logins and did not check the password (" + answer.status() + "); log in to " + productName
                    + " once in a browser, then try again");
        }
        return new NativeTokenRejectedException(
                productName + " refused the username and password of " + username + " (" + answer.status() + ")");
    }

    /**
     * The product refused to mint a token. A 400 is the product's own refusal (its caps on the number of
     * tokens and their lifetime); anything else is an answer these calls never get.
     */
    UpstreamUnavailableException mintRefused(Answer answer, String pathTemplate, String username, String capsPlace) {
        if (answer.status() != 400) {
            return notExpected(pathTemplate, answer.status(), "not a created token");
        }
        String said = productMessage(answer);
        return new UpstreamUnavailableException(productName + " refused to create a token for " + username + " ("
                + answer.status() + (said.isEmpty() ? "" : ": " + said) + "). " + productName + " limits the number"
                + " of tokens per user and their lifetime (" + capsPlace + "); ask for a shorter lifetime or revoke"
                + " an old token");
    }

    static String bearer(String nativeToken) {
        if (nativeToken == null || nativeToken.isBlank() || nativeToken.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new NativeTokenRejectedException("the native token is empty or has characters no token has");
        }
        return "Bearer " + nativeToken;
    }

    /**
     * HTTP Basic credentials, encoded as UTF-8 (RFC 7617 §2.1). The char and byte copies made on the way
     * are wiped; the caller's password array is left as it is.
     */
    static String basic(String username, char[] password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.indexOf(':') >= 0) {
            throw new NativeTokenRejectedException("a username with ':' cannot be sent with HTTP Basic");
        }
        char[] pair = new char[username.length() + 1 + password.length];
        username.getChars(0, username.length(), pair, 0);
        pair[username.length()] = ':';
        System.arraycopy(password, 0, pair, username.length() + 1, password.length);
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pair));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        try {
            return "Basic " + Base64.getEncoder().encodeToString(bytes);
        } finally {
            Arrays.fill(pair, '\0');
            Arrays.fill(bytes, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    /** One path segment, percent-encoded (a space is %20 in a path, not '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
