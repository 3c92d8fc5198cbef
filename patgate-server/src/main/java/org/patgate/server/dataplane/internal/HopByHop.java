package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The hop-by-hop fields of an upstream answer (RFC 9110 §7.6.1), removed before it is relayed, as
 * Jetty's {@code ProxyHandler} does: {@code Connection} and every field it names, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code Proxy-Authenticate}, {@code Proxy-Authorization}, {@code TE},
 * {@code Trailer}, {@code Transfer-Encoding} (re-framed for the client) and {@code Upgrade}. Stateless.
 */
final class HopByHop {

    private static final List<AsciiString> ALWAYS = List.of(
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
        // One look at each name first: removing every hop-by-hop name blindly costs a lookup each.
        boolean connection = false;
        List<AsciiString> present = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        while (fields.hasNext()) {
            CharSequence name = fields.next().getKey();
            if (HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)) {
                connection = true;
                continue;
            }
            for (AsciiString always : ALWAYS) {
                if (always.contentEqualsIgnoreCase(name)) {
                    if (present == null) {
                        present = new ArrayList<>(2);
                    }
                    present.add(always);
                    break;
                }
            }
        }
        if (connection) {
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
        }
        if (present != null) {
            present.forEach(headers::remove);
        }
    }
}
