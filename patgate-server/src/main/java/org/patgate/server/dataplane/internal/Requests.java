package org.patgate.server.dataplane.internal;

import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/**
 * The checks a decoded request head must pass before anything is done with it, beyond what the
 * decoder already refused: HTTP/1.0 or 1.1, a target in origin form, exactly one {@code Host} on
 * HTTP/1.1 (RFC 9112 §3.2), and a {@code Transfer-Encoding} that is exactly {@code chunked} (RFC
 * 9112 §6.1: anything else cannot be framed safely); and the ways a decoded message is readied before
 * it goes on (Netty's HTTP/2 conversion headers removed, trailers dropped). Stateless.
 */
final class Requests {

    private Requests() {}

    /**
     * Every check of a decoded head that is not a decoder failure, in order, with the head readied on
     * the way ({@link #adjustConverted}, the target decoded as UTF-8 as Jetty reads it): why the
     * request is refused with {@code 400}, or null when it passes. {@code whole}: an HTTP/2 request
     * that came with its whole body.
     */
    static String intake(HttpRequest request, boolean http2, boolean whole) {
        String problem = http2 ? http2Problem(request) : null;
        adjustConverted(request, http2, whole);
        if (problem == null) {
            problem = problem(request);
        }
        if (problem != null) {
            return problem;
        }
        // The decoder read the target's bytes as ISO-8859-1; they are UTF-8 (as Jetty reads them).
        String target = utf8(request.uri());
        if (target == null && http2) {
            // An HTTP/2 field's bytes that are not UTF-8 stay ISO-8859-1, as Jetty's HPACK reads them.
            target = request.uri();
        }
        if (target == null) {
            return "the request target is not valid UTF-8; percent-encode it";
        }
        request.setUri(target);
        return null;
    }

    /** Why the request is refused with {@code 400}, or null when it passes. */
    static String problem(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return "only HTTP/1.0 and HTTP/1.1 are spoken here";
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && version.minorVersion() == 1)) {
            return "an HTTP/1.1 request needs exactly one Host header";
        }
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            String authority = authority(uri);
            if (authority != null) {
                // RFC 9112 §3.2.2: absolute form is accepted; it may not name another host than Host.
                if (hosts.size() == 1
                        && !authority.equalsIgnoreCase(hosts.get(0).strip())) {
                    return "the absolute-form target names another host than the Host header";
                }
            } else if (!HttpMethod.CONNECT.equals(request.method())) {
                // CONNECT's authority form is answered 405 by the gateway like any CONNECT.
                return "the request target must be a path (origin form) or an absolute URI";
            }
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

    /**
     * Why an HTTP/2 request (converted to HTTP/1.1) is refused with {@code 400} before the checks of
     * {@link #problem}, or null. The frame codec refused invalid names and values; what is left is what
     * an HTTP/1.1 request line could not carry: RFC 9113 §8.3.1 wants a {@code :scheme} on every
     * request but CONNECT (Netty does not insist), and the {@code :path} may hold no control character
     * and no space before its query (a space in the query is percent-encoded on the way up, as on the
     * Jetty plane).
     */
    static String http2Problem(HttpRequest request) {
        if (!HttpMethod.CONNECT.equals(request.method())
                && !request.headers().contains(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text())) {
            return "an HTTP/2 request needs a :scheme";
        }
        String uri = request.uri();
        boolean inQuery = false;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            inQuery |= c == '?';
            if (c < 0x20 || c == 0x7f) {
                return "the :path holds a control character";
            }
            if (c == ' ' && !inQuery) {
                return "the :path holds a space before its query; percent-encode it";
            }
        }
        return null;
    }

    /** The path of a target: everything before {@code ?}, without an absolute form's scheme and authority. */
    static String rawPath(String uri) {
        String target = originForm(uri);
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The query of a target, or null without {@code ?}. */
    static String rawQuery(String uri) {
        String target = originForm(uri);
        int query = target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    /** {@code http://host:8080/a?b} to {@code /a?b} ({@code /} when the path is empty); other targets as they are. */
    private static String originForm(String uri) {
        if (uri.startsWith("/") || authority(uri) == null) {
            return uri.startsWith("/") ? uri : "/";
        }
        int start = uri.indexOf("//") + 2;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String rest = uri.substring(end);
        return rest.isEmpty() || rest.startsWith("?") ? "/" + rest : rest;
    }

    /** The authority of an absolute {@code http} or {@code https} URI target, or null for any other target. */
    private static String authority(String uri) {
        int colon = uri.indexOf("://");
        if (colon < 0) {
            return null;
        }
        String scheme = uri.substring(0, colon);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return null;
        }
        int start = colon + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String authority = uri.substring(start, end);
        return authority.isEmpty() || authority.contains("@") ? null : authority;
    }

    /**
     * The target with its bytes (decoded one per char, as ISO-8859-1) read as UTF-8, or null when they
     * are not UTF-8. A target of ASCII characters only is returned as it is.
     */
    static String utf8(String uri) {
        boolean ascii = true;
        for (int i = 0; i < uri.length() && ascii; i++) {
            ascii = uri.charAt(i) < 0x80;
        }
        if (ascii) {
            return uri;
        }
        for (int i = 0; i < uri.length(); i++) {
            if (uri.charAt(i) > 0xFF) {
                return uri; // already decoded (HTTP/2 header strings)
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(uri.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
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

    /** The body of an HTTP/2 request that came whole with its head, as a body piece of its own (taking over its bytes). */
    static LastHttpContent bodyOf(LastHttpContent whole) {
        DefaultLastHttpContent body = new DefaultLastHttpContent(whole.content());
        body.trailingHeaders().set(whole.trailingHeaders());
        return body;
    }

    /**
     * The piece without its trailers, which never go on (nor on the Jetty plane): they could carry a
     * token, an identity header or framing past the checks made on the head.
     */
    static HttpContent withoutTrailers(HttpContent content) {
        if (content instanceof LastHttpContent end && !end.trailingHeaders().isEmpty()) {
            HttpContent without = new DefaultLastHttpContent(end.content().retain());
            end.release();
            return without;
        }
        return content;
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
