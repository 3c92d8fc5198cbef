package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/**
 * The checks a decoded request head must pass before anything is done with it, beyond what the
 * decoder already refused: HTTP/1.0 or 1.1, a target in origin form, exactly one {@code Host} on
 * HTTP/1.1 (RFC 9112 §3.2), and a {@code Transfer-Encoding} that is exactly {@code chunked} (RFC
 * 9112 §6.1: anything else cannot be framed safely). Stateless.
 */
final class Requests {

    private Requests() {}

    /** Why the request is refused with {@code 400}, or null when it passes. */
    static String problem(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return "only HTTP/1.0 and HTTP/1.1 are spoken here";
        }
        if (!request.uri().startsWith("/")) {
            return "the request target must be a path (origin form)";
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && version.minorVersion() == 1)) {
            return "an HTTP/1.1 request needs exactly one Host header";
        }
        List<String> encodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!encodings.isEmpty()) {
            if (version.minorVersion() == 0) {
                return "Transfer-Encoding is not accepted on HTTP/1.0";
            }
            if (encodings.size() != 1 || !encodings.get(0).strip().equalsIgnoreCase("chunked")) {
                return "the only Transfer-Encoding accepted is chunked";
            }
        }
        return null;
    }

    /** The path of an origin-form target: everything before {@code ?}. */
    static String rawPath(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** The query of an origin-form target, or null without {@code ?}. */
    static String rawQuery(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? null : uri.substring(query + 1);
    }

    /** Whether the request carries a body (chunked, or a positive Content-Length). */
    static boolean hasBody(HttpRequest request) {
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return length != null && !length.strip().equals("0");
    }

    /**
     * Removes the headers Netty's HTTP/2 to HTTP/1 conversion adds ({@code x-http2-scheme}, {@code
     * x-http2-stream-id}, ...): over HTTP/2 they are Netty's, over HTTP/1.1 a client's; neither goes on.
     * An HTTP/2 request whose body follows without a declared length is framed chunked from here on.
     */
    static void adjustConverted(HttpRequest request, boolean http2, boolean whole) {
        for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
            request.headers().remove(name.text());
        }
        if (http2 && !whole && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
    }

    /** The status for a request the decoder refused: 414 and 431 for what was too long, else 400. */
    static int statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        }
        return 400;
    }
}
