package org.patgate.server.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;

/**
 * Placeholder with the agreed signatures of the gateway's decision for data planes other than
 * Jetty's; the real one replaces it. Forwards everything anonymously.
 */
public final class GatewayGate {

    public record RequestHead(
            String method, String rawPath, String rawQuery, HttpFields headers, SocketAddress peer, boolean secure) {}

    public record Verdict(
            GatewayDecision decision,
            RequestHead head,
            String encodedPath,
            String decodedPath,
            String upstreamQuery,
            InetAddress client,
            long startNanos,
            Instant arrived) {}

    public record Answer(int status, HttpFields headers, byte[] body) {}

    private final Executor blocking = Runnable::run;

    public GatewayGate() {}

    public Verdict tryDecide(RequestHead head) {
        return decide(head);
    }

    public Verdict decide(RequestHead head) {
        InetAddress client = ((InetSocketAddress) head.peer()).getAddress();
        return new Verdict(
                new GatewayDecision.Forward(null, null, false, null, null),
                head,
                head.rawPath(),
                head.rawPath(),
                head.rawQuery(),
                client,
                System.nanoTime(),
                Instant.now());
    }

    public Executor blockingExecutor() {
        return blocking;
    }

    public boolean inspectsBody(Verdict v) {
        return false;
    }

    public int bodyInspectionLimit() {
        return 64 * 1024;
    }

    public GatewayDecision.Refuse inspectBody(Verdict v, byte[] bodyOrNullWhenTooLarge) {
        return null;
    }

    public HttpFields upstreamHeaders(Verdict v) {
        HttpFields.Mutable headers = HttpFields.build();
        for (HttpField field : v.head().headers()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONNECTION
                    || header == HttpHeader.KEEP_ALIVE
                    || header == HttpHeader.TRANSFER_ENCODING
                    || header == HttpHeader.TE
                    || header == HttpHeader.UPGRADE
                    || header == HttpHeader.PROXY_CONNECTION
                    || header == HttpHeader.CONTENT_LENGTH) {
                continue;
            }
            headers.add(field);
        }
        headers.put(HttpHeader.X_FORWARDED_FOR, v.client().getHostAddress());
        return headers;
    }

    public GatewayDecision.Refuse refusesAnswer(Verdict v, int status, HttpFields upstreamResponseHeaders) {
        return null;
    }

    public static Answer answer(GatewayDecision.Refuse r, RequestHead head) {
        byte[] body = Json.write(
                Problem.of(r.status(), r.slug(), r.title(), r.detail()).at(head.rawPath()));
        return new Answer(
                r.status(),
                HttpFields.build()
                        .put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .put(HttpHeader.CACHE_CONTROL, "no-store"),
                body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
    }

    public void record(Verdict v, int status) {}
}
