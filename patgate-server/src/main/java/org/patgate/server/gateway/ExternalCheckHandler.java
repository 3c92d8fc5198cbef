package org.patgate.server.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.UnusedBody;

/**
 * Serves {@code /.patgate/check} and, for Envoy, {@code /.patgate/check/**} on PATgate's own server
 * (the Netty data plane relays them here like every {@code /.patgate/} page): hands the check request to
 * the {@link ExternalCheck} and writes its answer. A check request's body is never looked at. Jetty's
 * threads may block, so a token not seen lately is looked up in the store right here. Thread-safe.
 */
public final class ExternalCheckHandler extends Handler.Abstract {

    private final ExternalCheck check;

    public ExternalCheckHandler(ExternalCheck check) {
        this.check = check;
    }

    /** Whether {@code rawPath} is the check endpoint (exactly, or with an original path appended). */
    public static boolean isCheck(String rawPath) {
        return rawPath != null
                && rawPath.startsWith(ExternalCheck.PATH)
                && (rawPath.length() == ExternalCheck.PATH.length()
                        || rawPath.charAt(ExternalCheck.PATH.length()) == '/');
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpURI uri = request.getHttpURI();
        if (!isCheck(uri.getPath())) {
            return false;
        }
        ExternalCheck.Answer answer = check.check(new ExternalCheck.CheckRequest(
                request.getMethod(),
                uri.getPath(),
                uri.getQuery(),
                request.getHeaders(),
                request.getConnectionMetaData().getRemoteSocketAddress(),
                request.isSecure()));
        UnusedBody.answer(request, callback, done -> {
            response.setStatus(answer.status());
            for (HttpField field : answer.headers()) {
                response.getHeaders().add(field);
            }
            response.write(true, ByteBuffer.wrap(answer.body()), done);
        });
        return true;
    }
}
