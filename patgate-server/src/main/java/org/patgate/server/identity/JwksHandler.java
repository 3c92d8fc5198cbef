package org.patgate.server.identity;

import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.patgate.server.http.Json;

/**
 * {@code GET /.patgate/jwks.json}: the public keys an upstream uses to verify identity JWTs
 * (RFC 7517 JWK Set). No authentication; cacheable for five minutes. Thread-safe.
 */
public final class JwksHandler extends Handler.Abstract {

    public static final String PATH = "/.patgate/jwks.json";

    private final SigningKeys keys;

    public JwksHandler(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(request.getHttpURI().getPath())) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/jwk-set+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=300");
        response.write(true, ByteBuffer.wrap(Json.write(Map.of("keys", keys.published()))), callback);
        return true;
    }
}
