package org.patgate.server.ui.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.patgate.server.auth.UiSessions;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.http.UnusedBody;
import org.patgate.server.principal.Principal;

/**
 * One UI request: the Jetty request, response and callback, the session (if any), the resolved
 * client address, and helpers to read forms and answer with a page, a fragment, JSON or a
 * redirect. Not thread-safe; lives for one request.
 */
public final class UiExchange {

    private static final int MAX_FORM_FIELDS = 50;
    private static final int MAX_FORM_BYTES = 16 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Templates templates;
    private final Views.AssetPaths assets;
    private final List<String> segments;
    private final String sourceIp;
    private final UiSessions.Authenticated auth;
    private final UpstreamLinkPages links;
    private Fields form;
    private Fields query;

    public UiExchange(
            Request request,
            Response response,
            Callback callback,
            Templates templates,
            Views.AssetPaths assets,
            List<String> segments,
            String sourceIp,
            UiSessions.Authenticated auth,
            UpstreamLinkPages links) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.templates = templates;
        this.assets = assets;
        this.segments = segments;
        this.sourceIp = sourceIp;
        this.auth = auth;
        this.links = links;
    }

    public Request request() {
        return request;
    }

    public Response response() {
        return response;
    }

    public String method() {
        return request.getMethod();
    }

    /** Path segments after {@code /.patgate/}. */
    public List<String> segments() {
        return segments;
    }

    public String sourceIp() {
        return sourceIp;
    }

    /** The signed-in session, or null. */
    public UiSessions.Authenticated auth() {
        return auth;
    }

    public Principal principal() {
        return auth == null ? null : auth.principal();
    }

    /** Whether htmx sent this request (it then wants a fragment, not a page). */
    public boolean htmx() {
        return "true".equals(request.getHeaders().get("HX-Request"));
    }

    /** A form field (URL-encoded body); the first value, or null. Bounded in count and size. */
    public String field(String name) {
        Fields.Field field = form().get(name);
        return field == null ? null : field.getValue();
    }

    /** Every non-empty value of a repeated form field (checkboxes), in order; empty when absent. */
    public List<String> fields(String name) {
        Fields.Field field = form().get(name);
        return field == null
                ? List.of()
                : field.getValues().stream().filter(v -> !v.isEmpty()).toList();
    }

    private Fields form() {
        if (form == null) {
            try {
                form = FormFields.getFields(request, MAX_FORM_FIELDS, MAX_FORM_BYTES);
            } catch (RuntimeException e) {
                throw new InvalidRequestException(
                        "unreadable form: at most " + MAX_FORM_FIELDS + " fields and " + MAX_FORM_BYTES + " bytes");
            }
        }
        return form;
    }

    /** A query parameter's first value, or null. */
    public String query(String name) {
        if (query == null) {
            try {
                query = Request.extractQueryParameters(request);
            } catch (RuntimeException e) {
                // Jetty refuses malformed percent-encoding ("%zz", a lone "%", bytes that are not UTF-8).
                throw new InvalidRequestException("the query string is not valid percent-encoded UTF-8");
            }
        }
        Fields.Field field = query.get(name);
        return field == null || field.getValue().isEmpty() ? null : field.getValue();
    }

    /** The shell for a page, from the session. */
    public Views.Shell shell(String title, String nav) {
        Principal p = principal();
        return p == null
                ? new Views.Shell(title, nav, null, null, false, null, assets, null, false)
                : new Views.Shell(
                        title,
                        nav,
                        p.username(),
                        p.displayName() == null ? p.username() : p.displayName(),
                        p.admin(),
                        auth.session().csrfToken(),
                        assets,
                        links.product(),
                        nav.equals("tokens") && links.needsLink(p));
    }

    public void html(int status, String template, Map<String, Object> params) {
        send(status, "text/html; charset=utf-8", templates.render(template, params));
    }

    public void json(int status, String body) {
        send(status, "application/json", body);
    }

    /** 303 See Other: after a POST the browser fetches the next page with GET. */
    public void redirect(String location) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        UnusedBody.answer(request, callback, done -> response.write(true, null, done));
    }

    /** An answer without a body (304, redirects). */
    public void empty(int status) {
        response.setStatus(status);
        response.write(true, null, callback);
    }

    public void send(int status, String contentType, String body) {
        sendBytes(status, contentType, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Answers with {@code body}. A request body no page read (a refused form: stale CSRF token, ended
     * session) is discarded first, so HTTP/2 clients get the answer and not a stream reset.
     */
    public void sendBytes(int status, String contentType, ByteBuffer body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        UnusedBody.answer(request, callback, done -> response.write(true, body, done));
    }

    /** Streams a body that {@code writer} produces (large downloads); a failure mid-way aborts the answer. */
    public void sendStream(int status, String contentType, Consumer<OutputStream> writer) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        try (OutputStream out = org.eclipse.jetty.io.Content.Sink.asOutputStream(response)) {
            writer.accept(out);
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    public void setCookie(String value) {
        response.getHeaders().add(HttpHeader.SET_COOKIE, value);
    }
}
