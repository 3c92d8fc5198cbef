package org.patgate.server.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a loopback port, as a user would write one: it checks the
 * {@code PATgate-Signature} header itself (HMAC-SHA256 over {@code t + "." + body}, computed here, not
 * with PATgate's code), records each call, and answers with the statuses it is given in turn, then
 * 200. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One call as received, and whether its signature was valid. */
    record Call(String event, String signature, String body, boolean signatureValid) {}

    private final HttpServer server;
    private final String secret;
    private final List<Integer> statuses;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    WebhookReceiver(String secret, Integer... statuses) throws IOException {
        this.secret = secret;
        this.statuses = List.of(statuses);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/hook", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String signature = exchange.getRequestHeaders().getFirst("PATgate-Signature");
            calls.add(new Call(
                    exchange.getRequestHeaders().getFirst("PATgate-Event"), signature, body, valid(signature, body)));
            int index = next.getAndIncrement();
            int status = index < this.statuses.size() ? this.statuses.get(index) : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Waits at most five seconds for the {@code count}th call; the calls so far. */
    List<Call> awaitCalls(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (calls.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return calls();
    }

    private boolean valid(String header, String body) {
        if (header == null || !header.matches("t=[0-9]+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return expected.equals(v1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
