package org.patgate.server.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.patgate.core.PatgateException;
import org.patgate.server.http.Json;

/**
 * A small client of the management API for the CLI: HTTP Basic, JSON in and out, and problem+json
 * answers turned into one-line {@link PatgateException}s. Works against any node of a cluster.
 */
public final class ApiClient {

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    public ApiClient(URI base, String username, char[] password) {
        this.base = base;
        String credentials = username + ":" + new String(password);
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    public JsonNode post(String path, Object body) {
        return send(HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
    }

    public JsonNode put(String path, Object body) {
        return send(HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
    }

    public JsonNode patch(String path, Object body) {
        return send(HttpRequest.newBuilder(resolve(path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
    }

    /** GETs a non-JSON answer (e.g. CSV) as bytes; errors are reported as for the JSON calls. */
    public byte[] getBytes(String path) {
        HttpResponse<byte[]> response =
                exchange(HttpRequest.newBuilder(resolve(path)).GET(), "*/*");
        if (response.statusCode() >= 400) {
            throw failure(response);
        }
        return response.body();
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE());
    }

    private URI resolve(String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + "/.patgate/api/v1/" + path);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpResponse<byte[]> response = exchange(builder, "application/json");
        if (response.statusCode() >= 400) {
            throw failure(response);
        }
        return parse(response.body());
    }

    private static PatgateException failure(HttpResponse<byte[]> response) {
        JsonNode body = parse(response.body());
        String detail = body != null && body.hasNonNull("detail")
                ? body.get("detail").asText()
                : "HTTP " + response.statusCode();
        return new PatgateException(detail + " (HTTP " + response.statusCode() + ")");
    }

    private HttpResponse<byte[]> exchange(HttpRequest.Builder builder, String accept) {
        HttpRequest request = builder.header("Authorization", authorization)
                .header("Accept", accept)
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new PatgateException("cannot reach PATgate at " + base + ": connection refused");
        } catch (IOException e) {
            throw new PatgateException("cannot reach PATgate at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PatgateException("interrupted");
        }
        return response;
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
