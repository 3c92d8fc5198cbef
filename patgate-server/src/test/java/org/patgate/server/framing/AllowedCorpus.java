package org.patgate.server.framing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests a gateway must serve, in the variety real clients send them (methods, encoded paths,
 * odd but legal queries, repeated headers, large and chunked bodies, 100-continue, cookies, the
 * Basic token form, spoofed identity headers, X-Forwarded-For chains, HTTP/1.0 and keep-alive
 * pipelines), plus a few it must refuse, for the differential test. Templates: {@code {host}} is
 * the gateway's authority, {@code {rw}} / {@code {ro}} a read-write / read-only token,
 * {@code {basic}} the Basic form {@code alice:<read-write token>}.
 */
final class AllowedCorpus {

    private AllowedCorpus() {}

    /** One client connection's bytes, and how many requests of it must reach the upstream. */
    record Entry(String name, String bytes, int forwarded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String RW = "Authorization: Bearer {rw}";

    static String request(String method, String target, String version, String body, String... headers) {
        StringBuilder text = new StringBuilder(method + " " + target + " " + version + "\r\nHost: {host}\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        if (body != null) {
            text.append("Content-Length: ").append(body.length()).append("\r\n");
        }
        text.append("\r\n");
        return body == null ? text.toString() : text + body;
    }

    static String get(String target, String... headers) {
        return request("GET", target, "HTTP/1.1", null, with(RW, headers));
    }

    static String send(String method, String target, String body, String... headers) {
        return request(method, target, "HTTP/1.1", body, with(RW, headers));
    }

    static String chunked(String target, List<String> chunks, String trailers, String... headers) {
        StringBuilder text = new StringBuilder(
                request("POST", target, "HTTP/1.1", null, with(RW, with("Transfer-Encoding: chunked", headers))));
        for (String chunk : chunks) {
            text.append(Integer.toHexString(chunk.length()))
                    .append("\r\n")
                    .append(chunk)
                    .append("\r\n");
        }
        return text.append("0\r\n").append(trailers).append("\r\n").toString();
    }

    private static String[] with(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static String binary() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static List<Entry> entries() {
        String json = "{\"fields\":{\"summary\":\"naïve café ✓\",\"project\":{\"key\":\"DEMO\"}}}";
        String utf8Json = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String large = "x".repeat(256 * 1024);
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            chunks.add(String.valueOf((char) ('a' + i)).repeat(8 * 1024));
        }
        List<Entry> e = new ArrayList<>();
        e.add(new Entry("GET", get("/rest/api/2/myself"), 1));
        e.add(new Entry("HEAD", request("HEAD", "/rest/api/2/myself", "HTTP/1.1", null, RW), 1));
        e.add(new Entry("DELETE", send("DELETE", "/rest/api/2/issue/DEMO-1", null), 1));
        e.add(new Entry(
                "PUT with JSON", send("PUT", "/rest/api/2/issue/DEMO-1", json, "Content-Type: application/json"), 1));
        e.add(new Entry(
                "PATCH",
                send("PATCH", "/rest/api/2/issue/DEMO-1", "[]", "Content-Type: application/json-patch+json"),
                1));
        e.add(new Entry("OPTIONS", send("OPTIONS", "/rest/api/2/issue", null), 1));
        e.add(new Entry(
                "POST with UTF-8 JSON",
                send("POST", "/rest/api/2/issue", utf8Json, "Content-Type: application/json; charset=utf-8"),
                1));
        e.add(new Entry("POST with an empty body", send("POST", "/rest/api/2/issue", ""), 1));
        e.add(new Entry("percent-encoded path", get("/rest/api/2/issue/DEMO%2D1/comment"), 1));
        e.add(new Entry("percent-encoded UTF-8 in the path", get("/wiki/spaces/DEMO/pages/caf%C3%A9%20menu"), 1));
        e.add(new Entry(
                "encoded query", get("/rest/api/2/search?jql=project%20%3D%20DEMO%20AND%20text~%22a%2Bb%22"), 1));
        e.add(new Entry("repeated and empty query parameters", get("/rest/api/2/search?a=1&a=2&b=&c&=d"), 1));
        e.add(new Entry("query with legal sub-delims", get("/rest/api/2/search?q=a:b@c/d?e!$'()*+,;=f&x=~._-"), 1));
        e.add(new Entry("query with plus and encoded slash", get("/rest/api/2/search?q=a+b%2Fc%26d"), 1));
        e.add(new Entry("long query", get("/rest/api/2/search?q=" + "abc".repeat(1500)), 1));
        e.add(new Entry(
                "repeated custom header", get("/rest/api/2/myself", "X-Custom: a", "X-Custom: b", "x-custom: c"), 1));
        e.add(new Entry(
                "common client headers",
                get(
                        "/rest/api/2/myself",
                        "Accept: application/json",
                        "Accept: text/plain;q=0.5",
                        "Accept-Language: de-CH, en;q=0.8",
                        "Accept-Encoding: gzip, deflate",
                        "User-Agent: curl/8.5.0",
                        "If-None-Match: \"abc\"",
                        "Range: bytes=0-10",
                        "Referer: https://jira.example/browse/DEMO-1",
                        "Origin: https://jira.example"),
                1));
        e.add(new Entry(
                "header value with spaces and obs-text",
                get("/rest/api/2/myself", "X-Note:   a  b\t ", "X-Name: caf\u00e9"),
                1));
        e.add(new Entry("header of 4 KB", get("/rest/api/2/myself", "X-Long: " + "y".repeat(4096)), 1));
        e.add(new Entry("header names in odd case", get("/rest/api/2/myself", "x-CUSTOM-header: v", "ACCEPT: */*"), 1));
        e.add(new Entry(
                "large body of 256 KB", send("POST", "/rest/api/2/issue", large, "Content-Type: text/plain"), 1));
        e.add(new Entry(
                "binary body",
                send(
                        "POST",
                        "/rest/api/2/issue/DEMO-1/attachments",
                        binary(),
                        "Content-Type: application/octet-stream",
                        "X-Atlassian-Token: no-check"),
                1));
        e.add(new Entry("chunked body", chunked("/rest/api/2/issue", List.of("{\"a\":", "1}"), ""), 1));
        e.add(new Entry("chunked body of 200 KB", chunked("/rest/api/2/issue", chunks, ""), 1));
        e.add(new Entry(
                "chunked body with extensions and a trailer",
                chunked("/rest/api/2/issue", List.of("{}"), "X-Checksum: 1\r\n")
                        .replace("2\r\n{}", "2;name=value\r\n{}"),
                1));
        e.add(new Entry(
                "Expect: 100-continue",
                send("POST", "/rest/api/2/issue", json, "Content-Type: application/json", "Expect: 100-continue"),
                1));
        e.add(new Entry(
                "cookies",
                get("/secure/Dashboard.jspa", "Cookie: JSESSIONID=abc; atlassian.xsrf.token=x|y", "Cookie: seraph=1"),
                1));
        e.add(new Entry(
                "Basic with the token as password",
                request("GET", "/rest/api/2/myself", "HTTP/1.1", null, "Authorization: Basic {basic}"),
                1));
        e.add(new Entry(
                "read-only token",
                request("GET", "/rest/api/2/myself", "HTTP/1.1", null, "Authorization: Bearer {ro}"),
                1));
        e.add(new Entry(
                "identity spoofed in several spellings",
                get(
                        "/rest/api/2/myself",
                        "X-Forwarded-User: mallory",
                        "x-forwarded-user: mallory",
                        "X-FORWARDED-USER: mallory",
                        "X_Forwarded_User: mallory",
                        "X.Forwarded.User: mallory"),
                1));
        e.add(new Entry(
                "X-Forwarded-For chain and friends",
                get(
                        "/rest/api/2/myself",
                        "X-Forwarded-For: 10.0.0.1, 10.0.0.2",
                        "X-Forwarded-For: 192.0.2.7",
                        "X-Real-IP: 10.9.9.9",
                        "Forwarded: for=198.51.100.1;proto=https",
                        "X-Forwarded-Host: evil.example",
                        "X-Forwarded-Proto: https",
                        "X-Original-URL: /rest/admin"),
                1));
        e.add(new Entry("HTTP/1.0 GET", request("GET", "/rest/api/2/myself", "HTTP/1.0", null, RW), 1));
        e.add(new Entry(
                "HTTP/1.0 POST",
                request("POST", "/rest/api/2/issue", "HTTP/1.0", json, RW, "Content-Type: application/json"),
                1));
        e.add(new Entry(
                "HTTP/1.0 keep-alive pair",
                request("GET", "/rest/api/2/myself", "HTTP/1.0", null, RW, "Connection: keep-alive")
                        + request("GET", "/rest/api/2/serverInfo", "HTTP/1.0", null, RW),
                2));
        e.add(new Entry(
                "HTTP/1.1 keep-alive pipeline of three",
                get("/rest/api/2/myself")
                        + send("POST", "/rest/api/2/issue", json)
                        + get("/rest/api/2/serverInfo", "Connection: close"),
                3));
        e.add(new Entry(
                "HTTP/1.1 pipeline of a chunked and a sized body",
                chunked("/rest/api/2/issue", List.of("{}"), "") + send("PUT", "/rest/api/2/issue/DEMO-1", "{}"),
                2));
        e.add(new Entry("absolute-form target", get("http://{host}/rest/api/2/myself"), 1));
        e.add(new Entry(
                "git smart HTTP discovery",
                get("/scm/demo/repo.git/info/refs?service=git-upload-pack", "Git-Protocol: version=2"),
                1));
        e.add(new Entry(
                "Content-Encoding gzip body",
                send(
                        "POST",
                        "/rest/api/2/issue",
                        "\u001f\u008b\u0008\u0000abc",
                        "Content-Type: application/json",
                        "Content-Encoding: gzip"),
                1));
        e.add(new Entry("no token", request("GET", "/rest/api/2/myself", "HTTP/1.1", null), 0));
        e.add(new Entry(
                "read-only token writing",
                request("DELETE", "/rest/api/2/issue/DEMO-1", "HTTP/1.1", null, "Authorization: Bearer {ro}"),
                0));
        e.add(new Entry(
                "hop-by-hop headers named in Connection",
                get(
                        "/rest/api/2/myself",
                        "Connection: X-Drop, keep-alive",
                        "X-Drop: 1",
                        "Keep-Alive: timeout=5",
                        "TE: trailers"),
                1));
        return e;
    }
}
