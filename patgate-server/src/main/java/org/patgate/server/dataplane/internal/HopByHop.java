package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The hop-by-hop fields of an upstream answer (RFC 9110 §7.6.1), removed before it is relayed, as
 * Jetty's {@code ProxyHandler} does: {@code Connection} and every field it names, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code Proxy-Authenticate}, {@code Proxy-Authorization}, {@code TE},
 * {@code Trailer}, {@code Transfer-Encoding} (re-framed for the client) and {@code Upgrade}. Stateless.
 */
final class HopByHop {

    private static final List<CharSequence> ALWAYS = List.of(
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE);

    private HopByHop() {}

    static void strip(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    named.add(token.strip());
                }
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        named.forEach(headers::remove);
        ALWAYS.forEach(headers::remove);
    }
}
