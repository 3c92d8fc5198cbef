package org.patgate.server.api;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.patgate.core.PatgateException;
import org.patgate.server.http.Exchange;
import org.patgate.server.principal.Principal;

/**
 * One management API route: an HTTP method, a path template relative to {@link ApiHandler#PREFIX}
 * such as {@code /tokens/{id}/rotate} (each segment a literal or a {@code {name}} parameter), whether
 * the caller must be authenticated, and the action that answers it. Immutable.
 */
public record Route(String method, String template, boolean authenticated, Action action) {

    /** The methods a route may have; HEAD and OPTIONS are not part of the API. */
    public static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private static final Pattern LITERAL = Pattern.compile("[a-z][a-z0-9.-]*");
    private static final Pattern PARAMETER = Pattern.compile("\\{[a-zA-Z][a-zA-Z0-9]*}");

    /** Answers a matched call; {@code principal} is null on routes without authentication. */
    @FunctionalInterface
    public interface Action {
        void handle(ApiRoutes.Resources resources, Exchange exchange, Principal principal);
    }

    public Route {
        if (!METHODS.contains(method)) {
            throw new PatgateException("route method must be one of " + METHODS + " but was " + method);
        }
        Objects.requireNonNull(template, "template");
        if (!template.startsWith("/") || template.length() < 2) {
            throw new PatgateException("route template must start with '/' and name a path: '" + template + "'");
        }
        for (String segment : template.substring(1).split("/", -1)) {
            if (!LITERAL.matcher(segment).matches()
                    && !PARAMETER.matcher(segment).matches()) {
                throw new PatgateException("route template '" + template + "' has a bad segment '" + segment + "'");
            }
        }
        Objects.requireNonNull(action, "action");
    }

    /** The template's segments, e.g. {@code [tokens, {id}, rotate]}. */
    public List<String> segments() {
        return List.of(template.substring(1).split("/"));
    }

    /** The parameter names in the template, in order. */
    public List<String> parameters() {
        return segments().stream()
                .filter(Route::isParameter)
                .map(s -> s.substring(1, s.length() - 1))
                .toList();
    }

    /** The template with every parameter written {@code {}}, so templates compare regardless of names. */
    public String shape() {
        return "/"
                + String.join(
                        "/",
                        segments().stream().map(s -> isParameter(s) ? "{}" : s).toList());
    }

    static boolean isParameter(String segment) {
        return segment.startsWith("{");
    }

    /** Methods in the order an {@code Allow} header lists them. */
    static String allowHeader(Set<String> methods) {
        return String.join(", ", METHODS.stream().filter(methods::contains).toList());
    }
}
