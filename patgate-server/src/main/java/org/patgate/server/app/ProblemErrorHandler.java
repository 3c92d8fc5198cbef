package org.patgate.server.app;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;

/**
 * Makes Jetty's own error answers (unparseable requests, ambiguous URIs, upstream 502/504) RFC 9457
 * problem+json like everything else PATgate says, without stack traces or internals.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        Problem problem = problem(code, message)
                .at(request.getHttpURI() == null ? null : request.getHttpURI().getPath());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.write(problem)), callback);
    }

    /** Every method gets a problem body (Jetty's default answers only GET, POST and HEAD with one). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(new String(Json.write(problem(status, reason)), StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Problem problem(int code, String message) {
        String title = HttpStatus.getMessage(code);
        String detail = switch (code) {
            case 502 -> "the upstream server could not be reached or failed";
            case 504 -> "the upstream server did not answer in time";
            // A server error's message is an internal one (exception text, upstream addresses): never shown.
            default ->
                code >= 500
                        ? "the server could not complete the request; the log has details"
                        : message == null || message.isBlank() || message.equals(title) ? title : message;
        };
        return Problem.of(code, slug(title), title, detail);
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
