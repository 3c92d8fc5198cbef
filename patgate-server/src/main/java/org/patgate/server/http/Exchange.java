package org.patgate.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Exchange.class);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final List<String> segments;
    private final int maxBodyBytes;
    private final String sourceIp;
    private Fields query;
    private Map<String, String> pathParameters = Map.of();
    private boolean bodyRead;

    /** @param sourceIp the client's address as resolved through the trusted proxies */
    public Exchange(
            Request request,
            Response response,
            Callback callback,
            List<String> segments,
            int maxBodyBytes,
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

    /** Sets the path parameters of the matched route (raw, as in the request path). */
    public void bindPathParameters(Map<String, String> parameters) {
        this.pathParameters = Map.copyOf(parameters);
    }

    /** A path parameter of the matched route exactly as sent (still percent-encoded), e.g. {@code id}. */
    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("the route has no path parameter '" + name + "'");
        }
        return value;
    }

    /** A path parameter percent-decoded as UTF-8 ({@code +} stays a plus); malformed escapes are a 400. */
    public String decodedPathParameter(String name) {
        String raw = pathParameter(name);
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("malformed percent-encoding in the path");
        }
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
            try {
                query = Request.extractQueryParameters(request);
            } catch (RuntimeException e) {
                // Jetty refuses malformed percent-encoding ("%zz", a lone "%", bytes that are not UTF-8).
                throw new InvalidRequestException("the query string is not valid percent-encoded UTF-8");
            }
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
        throw new InvalidRequestException(
                "query parameter '" + name + "' must be an integer from " + min + " to " + max,
                Map.of(name, "integer from " + min + " to " + max));
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
        if (contentType == null || !isJson(contentType)) {
            throw new UnsupportedMediaTypeException("send the body as application/json");
        }
    }

    /** Whether a {@code Content-Type} value is {@code application/json} (any case, parameters ignored). */
    public static boolean isJson(String contentType) {
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("application/json");
    }

    private byte[] readBody() {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw new PayloadTooLargeException(maxBodyBytes); // the answer drains what it can
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                // Before the stream is closed: closing it before the body's end fails the body, and
                // Jetty then resets the HTTP/2 stream instead of letting the 413 end it.
                bodyRead = true;
                try {
                    discard(in, body.length);
                } catch (IOException e) {
                    // The 413 goes out anyway.
                }
                throw new PayloadTooLargeException(maxBodyBytes);
            }
            bodyRead = true;
            return body;
        } catch (IOException e) {
            throw new InvalidRequestException("the request body could not be read");
        }
    }

    public void sendJson(int status, Object body) {
        send(status, "application/json", Json.write(body));
    }

    /**
     * Streams a body of {@code contentType} written by {@code writer}; for answers too large to hold
     * in memory. Once writing has started a failure can no longer become a problem answer: the
     * connection is failed instead.
     */
    public void sendStream(int status, String contentType, Consumer<OutputStream> writer) {
        drainUnreadBody();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            writer.accept(out);
        } catch (IOException | RuntimeException e) {
            LOG.warn("streaming the answer to {} {} failed: {}", method(), path(), e.toString());
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    /** Sends a small non-JSON body, e.g. a document. */
    public void sendBytes(int status, String contentType, byte[] body) {
        send(status, contentType, body);
    }

    public void sendNoContent() {
        drainUnreadBody();
        response.setStatus(HttpStatus.NO_CONTENT_204);
        callback.succeeded();
    }

    public void sendProblem(Problem problem) {
        send(problem.status(), Problem.MEDIA_TYPE, Json.write(problem.at(path())));
    }

    public Response response() {
        return response;
    }

    /** Unread bodies up to this size are read and dropped before answering (see {@link #drainUnreadBody}). */
    private static final int DRAIN_LIMIT = 1024 * 1024;

    /**
     * Reads and drops a body the route did not read (e.g. {@code {}} sent to {@code /rotate}, or a body
     * refused as too large), up to {@value #DRAIN_LIMIT} bytes: answering over HTTP/2 with the body
     * unread makes Jetty reset the stream, and clients such as the JDK's then report the reset instead
     * of the answer. Larger bodies are left unread (the stream is reset). Slow bodies are cut by the
     * minimum body rate.
     */
    private void drainUnreadBody() {
        if (bodyRead) {
            return;
        }
        bodyRead = true;
        long declared = request.getLength();
        if (declared == 0 || declared > DRAIN_LIMIT) {
            return;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            discard(in, 0);
        } catch (IOException | RuntimeException e) {
            // The answer goes out anyway; the client may then see the stream reset.
        }
    }

    /** Reads and drops {@code in} to its end or until {@value #DRAIN_LIMIT} bytes in all, {@code total} already read. */
    private static void discard(InputStream in, long total) throws IOException {
        byte[] chunk = new byte[8192];
        int read;
        while (total <= DRAIN_LIMIT && (read = in.read(chunk)) > 0) {
            total += read;
        }
    }

    private void send(int status, String contentType, byte[] body) {
        drainUnreadBody();
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
