package org.patgate.server.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.patgate.server.error.InvalidRequestException;

/**
 * One management API call: the Jetty request, response and callback plus the helpers every
 * resource needs (path segments, query parameters, bounded JSON body, JSON and problem answers).
 * Not thread-safe; lives for one request.
 */
public final class Exchange {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final List<String> segments;
    private final int maxBodyBytes;
    private final String sourceIp;
    private Fields query;

    /** @param sourceIp the client's address as resolved through the trusted proxies */
    public Exchange(Request request, Response response, Callback callback, List<String> segments, int maxBodyBytes,
            String sourceIp) {
        this.sourceIp = sourceIp;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.segments = segments;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Request request() {
        return request;
    }

    public String method() {
        return request.getMethod();
    }

    /** Path segments after {@code /.patgate/api/v1/}. */
    public List<String> segments() {
        return segments;
    }

    /** The client's address: the socket peer, or what a trusted proxy says (see {@code trustedProxies}). */
    public String sourceIp() {
        return sourceIp;
    }

    public String path() {
        return request.getHttpURI().getPath();
    }

    /** A query parameter; repeated parameters are refused rather than guessed between. */
    public String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        List<String> values = query.getValues(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException("query parameter '" + name + "' given more than once");
        }
        return values.getFirst();
    }

    /** An integer query parameter within bounds, or the default when absent. */
    public int queryInt(String name, int defaultValue, int min, int max) {
        String value = query(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidRequestException("query parameter '" + name + "' must be an integer from " + min + " to " + max,
                java.util.Map.of(name, "integer from " + min + " to " + max));
    }

    /** As {@link #readJson}, but an absent or empty body gives {@code null} (optional bodies). */
    public <T> T readOptionalJson(Class<T> type) {
        byte[] body = readBody();
        if (body.length == 0) {
            return null;
        }
        requireJsonMediaType();
        return Json.read(body, type);
    }

    /** Reads and parses the JSON body, refusing wrong media types and bodies over the limit. */
    public <T> T readJson(Class<T> type) {
        requireJsonMediaType();
        return Json.read(readBody(), type);
    }

    private void requireJsonMediaType() {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new UnsupportedMediaTypeException("send the body as application/json");
        }
    }

    private byte[] readBody() {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw new PayloadTooLargeException(maxBodyBytes);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw new PayloadTooLargeException(maxBodyBytes);
            }
            return body;
        } catch (IOException e) {
            throw new InvalidRequestException("the request body could not be read");
        }
    }

    public void sendJson(int status, Object body) {
        send(status, "application/json", Json.write(body));
    }

    public void sendNoContent() {
        response.setStatus(HttpStatus.NO_CONTENT_204);
        callback.succeeded();
    }

    public void sendProblem(Problem problem) {
        send(problem.status(), Problem.MEDIA_TYPE, Json.write(problem.at(path())));
    }

    public Response response() {
        return response;
    }

    private void send(int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** 415: the body is not JSON. */
    public static final class UnsupportedMediaTypeException extends InvalidRequestException {
        public UnsupportedMediaTypeException(String message) {
            super(message);
        }
    }

    /** 413: the body is over {@code api.maxBodyBytes}. */
    public static final class PayloadTooLargeException extends InvalidRequestException {
        public PayloadTooLargeException(int limit) {
            super("the request body is larger than " + limit + " bytes");
        }
    }
}
