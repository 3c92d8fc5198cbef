package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

    /** What a request relayed to PATgate's own server loses: the same, but its framing stays. */
    private static final List<CharSequence> RELAYED_REQUEST = List.of(
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE,
            "HTTP2-Settings");

    /** Fields a request's body is framed by: never removed from a relayed request, even when named. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host");

    private HopByHop() {}

    /**
     * Removes the hop-by-hop fields of a request relayed as it came, body and all: {@code Connection},
     * every field it names, {@code Keep-Alive}, {@code Upgrade} (an {@code h2c} offer the relay would
     * not follow), {@code HTTP2-Settings} and the like. The framing fields stay whatever
     * {@code Connection} names: without them the body would be read as the next request.
     */
    static void stripRelayed(HttpHeaders headers) {
        for (String name : named(headers)) {
            if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                headers.remove(name);
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        RELAYED_REQUEST.forEach(headers::remove);
    }

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
            List<String> named = named(headers);
            headers.remove(HttpHeaderNames.CONNECTION);
            named.forEach(headers::remove);
        }
        if (present != null) {
            present.forEach(headers::remove);
        }
    }

    /** The field names {@code Connection} lists. */
    private static List<String> named(HttpHeaders headers) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    named.add(token.strip());
                }
            }
        }
        return named;
    }
}
