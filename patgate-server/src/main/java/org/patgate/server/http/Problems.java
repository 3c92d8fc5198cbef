package org.patgate.server.http;

import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.directory.PasswordChecksBusyException;
import org.patgate.server.directory.ldap.DirectoryUnavailableException;
import org.patgate.server.error.ConflictException;
import org.patgate.server.error.ForbiddenException;
import org.patgate.server.error.InvalidRequestException;
import org.patgate.server.error.NotFoundException;
import org.patgate.server.error.TooManyRequestsException;
import org.patgate.server.error.UnauthorizedException;
import org.patgate.server.store.StoreException;
import org.patgate.server.upstream.NativeTokenRejectedException;
import org.patgate.server.upstream.UpstreamUnavailableException;

/**
 * The one table from exceptions to answers, used by the management API, the UI and the gateway
 * alike: which status, problem type, title, detail and headers an exception becomes. An exception
 * the table does not know is a bug: it becomes a 500 whose detail says nothing about it, and
 * {@link Answer#expected()} is false so that the caller logs it.
 */
public final class Problems {

    /** The challenge the management API sends with a 401. */
    public static final String BASIC_CHALLENGE = "Basic realm=\"patgate\", charset=\"UTF-8\"";

    private Problems() {}

    /**
     * What to answer.
     *
     * @param problem  the problem+json body
     * @param headers  headers to send with it (a challenge, {@code Retry-After})
     * @param expected false for an exception the table does not know (log it)
     */
    public record Answer(Problem problem, Map<String, String> headers, boolean expected) {

        public int status() {
            return problem.status();
        }

        public String slug() {
            return problem.type().substring(problem.type().lastIndexOf('/') + 1);
        }
    }

    /** The answer for {@code e}; never null. */
    public static Answer answer(RuntimeException e) {
        return switch (e) {
            case Exchange.UnsupportedMediaTypeException u ->
                known(Problem.of(415, "unsupported-media-type", "Unsupported Media Type", u.getMessage()));
            case Exchange.PayloadTooLargeException p ->
                known(Problem.of(413, "payload-too-large", "Payload Too Large", p.getMessage()));
            case InvalidRequestException i ->
                known(Problem.of(400, "invalid-request", "Bad Request", i.getMessage())
                        .withErrors(i.fieldErrors()));
            case UnauthorizedException u ->
                new Answer(
                        Problem.of(401, "unauthorized", "Unauthorized", u.getMessage()),
                        Map.of(HttpHeader.WWW_AUTHENTICATE.asString(), BASIC_CHALLENGE),
                        true);
            case DirectoryUnavailableException d ->
                known(
                        Problem.of(
                                503,
                                "directory-unavailable",
                                "Service Unavailable",
                                "directory unavailable: the LDAP directory cannot be reached, so directory "
                                        + "users cannot be checked right now; try again later (admins: GET /directory shows why)"));
            // A native upstream token (or the password minting one) the product does not accept.
            case NativeTokenRejectedException r ->
                known(Problem.of(400, "upstream-token-rejected", "Bad Request", r.getMessage()));
            // The pool gave no connection in time or the connection broke: the database is away, not the request wrong.
            case StoreException s when s.databaseUnreachable() -> databaseUnavailable();
            case UpstreamUnavailableException u ->
                known(Problem.of(502, "upstream-unavailable", "Bad Gateway", u.getMessage()));
            case ForbiddenException f -> known(Problem.of(403, "forbidden", "Forbidden", f.getMessage()));
            case NotFoundException n -> known(Problem.of(404, "not-found", "Not Found", n.getMessage()));
            case ConflictException c -> known(Problem.of(409, "conflict", "Conflict", c.getMessage()));
            case TooManyRequestsException t ->
                new Answer(
                        Problem.of(429, "too-many-requests", "Too Many Requests", t.getMessage()),
                        Map.of(
                                HttpHeader.RETRY_AFTER.asString(),
                                Long.toString(t.retryAfter().toSeconds())),
                        true);
            // A request body cut for arriving too slowly (limits.minRequestBodyRate): 408, the client's fault.
            case HttpException.RuntimeException h
            when h.getCode() == 408 -> known(Problem.of(408, "request-timeout", "Request Timeout", h.getMessage()));
            case PasswordChecksBusyException b ->
                new Answer(
                        Problem.of(503, "busy", "Service Unavailable", b.getMessage()),
                        Map.of(
                                HttpHeader.RETRY_AFTER.asString(),
                                Long.toString(b.retryAfter().toSeconds())),
                        true);
            default ->
                new Answer(
                        Problem.of(
                                500,
                                "internal-error",
                                "Internal Server Error",
                                "the server could not complete the request; the log has details"),
                        Map.of(),
                        false);
        };
    }

    /** 503 while the database cannot be reached, with a Retry-After: the request may succeed later. */
    public static Answer databaseUnavailable() {
        return new Answer(
                Problem.of(
                        503,
                        "database-unavailable",
                        "Service Unavailable",
                        "the database cannot be reached right now; try again later (GET /.patgate/health shows since when)"),
                Map.of(HttpHeader.RETRY_AFTER.asString(), "5"),
                true);
    }

    private static Answer known(Problem problem) {
        return new Answer(problem, Map.of(), true);
    }
}
