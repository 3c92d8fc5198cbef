package org.patgate.server.app;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.gateway.ReservedPaths;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;
import org.patgate.server.http.UnusedBody;

/**
 * Answers 404 problem+json. With {@code reservedOnly}, only for paths under {@code /.patgate/}
 * that no earlier handler took, so PATgate's own namespace is never proxied upstream.
 * Thread-safe.
 */
public final class NotFoundHandler extends Handler.Abstract.NonBlocking {

    private final boolean reservedOnly;

    public NotFoundHandler(boolean reservedOnly) {
        this.reservedOnly = reservedOnly;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (reservedOnly && !ReservedPaths.isReserved(path)) {
            return false;
        }
        Problem problem =
                Problem.of(404, "not-found", "Not Found", "nothing here").at(path);
        response.setStatus(404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        // Discarding the unused body keeps an HTTP/2 connection open through many not-founds (see UnusedBody).
        UnusedBody.answer(request, callback, done -> response.write(true, ByteBuffer.wrap(Json.write(problem)), done));
        return true;
    }
}
