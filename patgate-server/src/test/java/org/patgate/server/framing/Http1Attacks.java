package org.patgate.server.framing;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/1.1 framing attacks, as request templates: {@code {host}} is the gateway's authority,
 * {@code {auth}} an Authorization line with a read-write token (or nothing), {@code {rw}} the token
 * itself. Every spoofed identity is {@code mallory} and every hidden request targets
 * {@code /rest/admin}, so the checks can look for those in whatever reached the upstream.
 */
final class Http1Attacks {

    private Http1Attacks() {}

    /** What the gateway may do with an attack, besides never forwarding what it hides. */
    enum Verdict {
        /** Malformed in its request line or header section: refused, and not one byte reaches the upstream. */
        REFUSE,
        /**
         * Malformed in its body: refused, and no complete request reaches the upstream. A streaming
         * gateway may have sent the head and the good part of the body before the fault arrived;
         * that exchange must then end unfinished.
         */
        REFUSE_BODY,
        /**
         * Odd but legal (or a permitted leniency): refused with nothing upstream, or forwarded as
         * exactly one well-framed request.
         */
        EITHER
    }

    /**
     * One attack; {@code jettyDeviation}, when not null, says how the Jetty data plane falls short of
     * the verdict in a way that forwards nothing unsafe (it re-frames what it forwards): the test then
     * still checks everything that reached the upstream, and reports the deviation as skipped on Jetty.
     */
    record Attack(String name, String request, Verdict verdict, String jettyDeviation) {

        Attack onJetty(String deviation) {
            return new Attack(name, request, verdict, deviation);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final String PATH = "/rest/api/2/issue";
    static final String SPOOF = "X-Forwarded-User: mallory";
    static final String HIDDEN = "GET /rest/admin HTTP/1.1\r\nHost: {host}\r\n" + SPOOF + "\r\n\r\n";

    /** A POST with the given header lines (each without CRLF) and the body as given. */
    static String post(String body, String... headers) {
        return "POST " + PATH + " HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n" + lines(headers)
                + "\r\n" + body;
    }

    static String chunked(String body, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.add("Transfer-Encoding: chunked");
        return post(body, all.toArray(String[]::new));
    }

    private static String lines(String... headers) {
        StringBuilder text = new StringBuilder();
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        return text.toString();
    }

    static List<Attack> all() {
        List<Attack> a = new ArrayList<>();
        String cl2 = "Content-Length: 2";
        // Header section.
        a.add(refuse("obs-fold with SP", post("{}", cl2, "X-Note: a", " " + SPOOF)));
        a.add(refuse("obs-fold with HTAB", post("{}", cl2, "X-Note: a", "\t" + SPOOF)));
        a.add(refuse("obs-fold of Transfer-Encoding", post("0\r\n\r\n", "Transfer-Encoding:", " chunked")));
        a.add(refuse("bare LF ending the request line", post("{}", cl2).replaceFirst("HTTP/1.1\r\n", "HTTP/1.1\n"))
                .onJetty("reads a bare LF as a line end (RFC 9112 §2.2 lets it; issue 13 does not)"));
        a.add(refuse("bare LF ending every header line", post("{}", cl2).replace("\r\n", "\n"))
                .onJetty("reads a bare LF as a line end (RFC 9112 §2.2 lets it; issue 13 does not)"));
        a.add(refuse("bare LF inside the header section", post("{}", cl2, "X-Note: a\n" + SPOOF))
                .onJetty("reads a bare LF as a line end (RFC 9112 §2.2 lets it; issue 13 does not)"));
        a.add(refuse("bare CR inside a header line", post("{}", cl2, "X-Note: a\r" + SPOOF)));
        a.add(refuse("bare CR in the request line", post("{}", cl2).replaceFirst(" HTTP/1.1", "\r HTTP/1.1")));
        a.add(refuse("NUL in a header value", post("{}", cl2, "X-Note: a\0b")));
        a.add(refuse("CTL 0x01 in a header value", post("{}", cl2, "X-Note: a\u0001b")));
        a.add(refuse("DEL in a header value", post("{}", cl2, "X-Note: a\u007fb")));
        a.add(refuse("NUL in a header name", post("{}", cl2, "X-No\0te: a")));
        a.add(refuse("CTL 0x01 in a header name", post("{}", cl2, "X-No\u0001te: a")));
        a.add(refuse("space inside a header name", post("{}", cl2, "X Forwarded User: mallory")));
        a.add(refuse("space before the colon of Transfer-Encoding", post("0\r\n\r\n", "Transfer-Encoding : chunked")));
        a.add(refuse("tab before the colon of Content-Length", post("{}", "Content-Length\t: 2")));
        a.add(refuse("header line without a colon", post("{}", cl2, "X-Note")));
        // Content-Length.
        a.add(refuse("Content-Length and Transfer-Encoding", chunked("2\r\n{}\r\n0\r\n\r\n", cl2)));
        a.add(refuse("two different Content-Lengths", post("{}x", cl2, "Content-Length: 3")));
        a.add(refuse("Content-Length: +2", post("{}", "Content-Length: +2")));
        a.add(either("Content-Length: 02 (leading zero, valid digits)", post("{}", "Content-Length: 02")));
        a.add(either("Content-Length: 2,2 (identical list, RFC 9110 §8.6)", post("{}", "Content-Length: 2,2")));
        a.add(refuse("Content-Length: 2,3", post("{}x", "Content-Length: 2,3")));
        a.add(refuse("Content-Length: -1", post("{}", "Content-Length: -1")));
        a.add(refuse("Content-Length: 0x2", post("{}", "Content-Length: 0x2")));
        a.add(refuse("Content-Length beyond 2^64", post("{}", "Content-Length: 99999999999999999999999")));
        a.add(refuse("Content-Length: empty", post("{}", "Content-Length: ")));
        a.add(refuseBody("body shorter than Content-Length", post("{}", "Content-Length: 10")));
        // Transfer-Encoding.
        a.add(refuse(
                "Transfer-Encoding: chunked, identity",
                post("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked, identity")));
        a.add(refuse("Transfer-Encoding: identity", post("{}", "Transfer-Encoding: identity")));
        a.add(refuse("Transfer-Encoding: gzip alone", post("{}", "Transfer-Encoding: gzip")));
        a.add(refuse(
                "Transfer-Encoding: chunked, chunked",
                post("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked, chunked")));
        a.add(refuse(
                "Transfer-Encoding: chunked in two header lines",
                chunked("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked")));
        a.add(refuse("Transfer-Encoding: xchunked", post("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: xchunked")));
        a.add(refuse(
                "Transfer-Encoding with a vertical tab",
                post("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding:\u000bchunked")));
        a.add(either(
                "Transfer-Encoding: CHUNKED (codings are case-insensitive)",
                post("2\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: CHUNKED")));
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding is treated as faulty framing.
        a.add(refuse(
                        "HTTP/1.0 with Transfer-Encoding",
                        chunked("2\r\n{}\r\n0\r\n\r\n").replaceFirst("HTTP/1.1", "HTTP/1.0"))
                .onJetty("decodes the chunked body of an HTTP/1.0 request and forwards it"));
        // Chunks.
        a.add(refuseBody("chunk size zz", chunked("zz\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk size -1", chunked("-1\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk size 0x2", chunked("0x2\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk size 2^63", chunked("8000000000000000\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk size 2^64 + 2", chunked("10000000000000002\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk size with a space inside", chunked("2 2\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk data longer than its size", chunked("2\r\n{}xx\r\n0\r\n\r\n")));
        a.add(refuseBody("chunk data shorter than its size", chunked("4\r\n{}\r\n0\r\n\r\n")));
        // RFC 9112 §8: a chunked message is complete once its last chunk arrived; only the empty trailer
        // section's CRLF is missing here, so serving it is as correct as refusing it.
        a.add(either("no CRLF after the last chunk", chunked("2\r\n{}\r\n0\r\n")));
        a.add(refuseBody("no last chunk", chunked("2\r\n{}\r\n")));
        a.add(refuseBody("bare LF on every chunk line", chunked("2\n{}\n0\n\n")));
        a.add(refuseBody("bare LF after chunk data", chunked("2\r\n{}\n0\r\n\r\n")));
        a.add(refuseBody("oversized chunk extension", chunked("2;x=" + "a".repeat(70_000) + "\r\n{}\r\n0\r\n\r\n")));
        a.add(refuseBody("10 000 chunk extensions", chunked("2" + ";a=b".repeat(10_000) + "\r\n{}\r\n0\r\n\r\n")));
        // Trailers: legal framing, but no forbidden field may reach the upstream.
        a.add(either("trailer Content-Length", chunked("2\r\n{}\r\n0\r\nContent-Length: 50\r\n\r\n")));
        a.add(either("trailer Authorization", chunked("2\r\n{}\r\n0\r\nAuthorization: Bearer {rw}\r\n\r\n")));
        a.add(either("trailer with the identity header", chunked("2\r\n{}\r\n0\r\n" + SPOOF + "\r\n\r\n")));
        a.add(either("trailer Transfer-Encoding", chunked("2\r\n{}\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n")));
        // Request line.
        a.add(either(
                "absolute-form naming another host",
                post("{}", cl2).replaceFirst(" " + PATH, " http://evil.example" + PATH)));
        a.add(refuse("asterisk-form with GET", "GET * HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n"));
        a.add(either(
                "tabs between the request line's parts",
                post("{}", cl2).replaceFirst("POST " + PATH + " ", "POST\t" + PATH + "\t")));
        a.add(either(
                "several spaces between the request line's parts",
                post("{}", cl2).replaceFirst("POST " + PATH + " ", "POST  " + PATH + "  ")));
        a.add(either("lower-case method", post("{}", cl2).replaceFirst("POST", "post")));
        a.add(refuse("version HTTP/1.1x", post("{}", cl2).replaceFirst("HTTP/1.1", "HTTP/1.1x")));
        a.add(refuse(
                "version HTTP/2.0 in an HTTP/1 request line", post("{}", cl2).replaceFirst("HTTP/1.1", "HTTP/2.0")));
        // RFC 9112 §2.3: HTTP-version is case-sensitive.
        a.add(refuse("version in lower case", post("{}", cl2).replaceFirst("HTTP/1.1", "http/1.1"))
                .onJetty("reads the version case-insensitively"));
        a.add(refuse("no version", "GET " + PATH + "\r\nHost: {host}\r\n{auth}\r\n"));
        a.add(refuse("HTTP/2 preface alone", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        a.add(either("HTTP/2 preface after an HTTP/1.1 request", post("{}", cl2) + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        a.add(refuse("request line of 100 KB", post("{}", cl2).replaceFirst(PATH, PATH + "?q=" + "a".repeat(100_000))));
        a.add(refuse("one header of 100 KB", post("{}", cl2, "X-Note: " + "a".repeat(100_000))));
        a.add(refuse("10 000 headers", post("{}", cl2, "X-Note: ab\r\n".repeat(9_999) + "X-Note: ab")));
        a.add(refuse("no Host", post("{}", cl2).replaceFirst("Host: \\{host\\}\r\n", "")));
        a.add(refuse("two Host headers", post("{}", cl2, "Host: evil.example")));
        // Smuggling pairs hiding GET /rest/admin.
        String te0 = "0\r\n\r\n" + HIDDEN;
        a.add(refuse("CL.TE", chunked(te0, "Content-Length: " + te0.length())));
        String hiddenChunk = Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n";
        a.add(refuse("TE.CL", chunked(hiddenChunk, "Content-Length: 4")));
        a.add(refuse(
                "CL.TE with a space before the colon",
                post(te0, "Content-Length: " + te0.length(), "Transfer-Encoding : chunked")));
        a.add(refuse(
                "CL.TE with Transfer-Encoding: xchunked",
                post(te0, "Content-Length: " + te0.length(), "Transfer-Encoding: xchunked")));
        a.add(refuse(
                "CL.TE with an obs-folded Transfer-Encoding",
                post(te0, "Content-Length: " + te0.length(), "Transfer-Encoding:", " chunked")));
        a.add(refuse(
                "TE.TE with a second, unknown coding",
                post(hiddenChunk, "Transfer-Encoding: chunked", "Transfer-Encoding: x")));
        a.add(refuse(
                "CL.CL hiding a request", post(HIDDEN, "Content-Length: 0", "Content-Length: " + HIDDEN.length())));
        a.add(refuse(
                "TE.CL on HTTP/1.0", chunked(hiddenChunk, "Content-Length: 4").replaceFirst("HTTP/1.1", "HTTP/1.0")));
        a.add(refuseBody("hidden request after a chunk-size overflow", chunked("10000000000000000\r\n\r\n" + HIDDEN)));
        // The same pairs on a connection a good request has already used (and an upstream connection pooled).
        a.add(either(
                "CL.TE after a good request on the same connection",
                post("{}", cl2) + chunked(te0, "Content-Length: " + te0.length())));
        a.add(either(
                "TE.CL after a good request on the same connection",
                post("{}", cl2) + chunked(hiddenChunk, "Content-Length: 4")));
        a.add(either("a pipelined request without a token after a good one", post("{}", cl2) + HIDDEN));
        return a.stream()
                .map(attack -> attack.verdict() == Verdict.REFUSE_BODY && attack.jettyDeviation() == null
                        ? attack.onJetty(
                                "answers 502: its proxy reports a broken request body as a failed upstream exchange")
                        : attack)
                .toList();
    }

    private static Attack refuse(String name, String request) {
        return new Attack(name, request, Verdict.REFUSE, null);
    }

    private static Attack refuseBody(String name, String request) {
        return new Attack(name, request, Verdict.REFUSE_BODY, null);
    }

    private static Attack either(String name, String request) {
        return new Attack(name, request, Verdict.EITHER, null);
    }
}
