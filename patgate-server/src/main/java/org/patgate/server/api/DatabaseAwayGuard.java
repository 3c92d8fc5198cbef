package org.patgate.server.api;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;
import org.patgate.server.http.Problems;

/**
 * In front of the management API: while the node knows its database is unreachable, every API
 * request is answered at once with 503 problem+json and a {@code Retry-After}, instead of waiting
 * for a pooled connection that will not come and then failing. Other paths pass. Thread-safe.
 */
public final class DatabaseAwayGuard extends Handler.Abstract {

    private final BooleanSupplier databaseUnreachable;

    public DatabaseAwayGuard(BooleanSupplier databaseUnreachable) {
        this.databaseUnreachable = databaseUnreachable;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(ApiHandler.PREFIX) || !databaseUnreachable.getAsBoolean()) {
            return false;
        }
        Problems.Answer answer = Problems.databaseUnavailable();
        response.setStatus(503);
        answer.headers().forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.write(answer.problem().at(path))), callback);
        return true;
    }
}
