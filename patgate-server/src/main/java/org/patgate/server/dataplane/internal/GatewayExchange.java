package org.patgate.server.dataplane.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.patgate.server.gateway.ExchangeAdmission;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.GatewayDecision;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.RequestTargets;
import org.patgate.server.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request for the upstream, up to the point where it is forwarded: the gateway's decision (on the
 * event loop, or on the gate's blocking executor when it needs the store), a look into a form body
 * where the gate asks for one, and a place in the {@link ExchangeBudget}. A refusal is answered here
 * and its body discarded; an allowed request goes on to an {@link UpstreamForward}. On the client
 * connection's event loop only.
 */
final class GatewayExchange implements Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayExchange.class);

    private final ClientConnection connection;
    private final PlaneContext plane;
    private final GatewayGate gate;
    private final HttpRequest request;
    private final GatewayGate.RequestHead head;
    private final boolean hasBody;
    private final boolean expectsContinue;
    /** A WebSocket upgrade over HTTP/1.1: it goes upstream as one, on a connection of its own. */
    private final boolean upgrade;
    /** Body pieces that arrived before the upstream was ready (a form being inspected). */
    private final List<HttpContent> held = new ArrayList<>();

    private long heldBytes;
    private boolean bodyComplete;
    private GatewayGate.Verdict verdict;
    private boolean inspecting;
    private ExchangeBudget.Permit permit;
    private UpstreamForward forward;
    private boolean over;

    GatewayExchange(ClientConnection connection, PlaneContext plane, HttpRequest request, String rawPath) {
        this.connection = connection;
        this.plane = plane;
        this.gate = plane.gate();
        this.request = request;
        this.hasBody = Requests.hasBody(request);
        this.bodyComplete = !hasBody;
        this.expectsContinue = HttpUtil.is100ContinueExpected(request);
        this.head = new GatewayGate.RequestHead(
                request.method().name(),
                rawPath,
                Requests.rawQuery(request.uri()),
                Answers.toJetty(request.headers()),
                ListenerFront.client(connection.channel()),
                ListenerFront.secure(connection.channel()),
                request.protocolVersion().text());
        this.upgrade = GatewayGate.isWebSocketUpgrade(head)
                && !hasBody
                && HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && !(connection.channel() instanceof Http2StreamChannel);
    }

    void start() {
        // What Jetty's HTTP engine refuses before any handler, refused here too (the same check).
        String violation = RequestTargets.violation(
                head.rawQuery() == null ? head.rawPath() : head.rawPath() + "?" + head.rawQuery());
        if (violation != null) {
            refuse(new GatewayDecision.Refuse(400, "bad-request", "Bad Request", violation, false, null));
            return;
        }
        GatewayGate.Verdict now;
        try {
            now = gate.tryDecide(head);
        } catch (RuntimeException e) {
            failDeciding(e);
            return;
        }
        if (now != null) {
            decided(now);
            return;
        }
        gate.blockingExecutor().execute(() -> {
            GatewayGate.Verdict later;
            try {
                later = gate.decide(head);
            } catch (RuntimeException e) {
                connection.loop().execute(() -> failDeciding(e));
                return;
            }
            connection.loop().execute(() -> decided(later));
        });
    }

    private void failDeciding(RuntimeException e) {
        // Fail closed: the gate answers its own failures; anything escaping it refuses the request.
        LOG.error("refusing a request because deciding failed", e);
        if (!over) {
            refuseWith(Answers.problem(500, null, head.rawPath()), null);
        }
    }

    private void decided(GatewayGate.Verdict decided) {
        if (over) {
            return;
        }
        verdict = decided;
        if (decided.decision() instanceof GatewayDecision.Refuse refusal) {
            refuse(refusal);
            return;
        }
        if (hasBody && gate.inspectsBody(decided)) {
            inspecting = true;
            if (expectsContinue) {
                connection.sendContinue();
            }
            connection.readMore();
            return;
        }
        admit();
    }

    @Override
    public void content(HttpContent content) {
        if (over) {
            content.release();
            return;
        }
        if (forward != null) {
            forward.content(content);
            return;
        }
        held.add(content);
        heldBytes += content.content().readableBytes();
        bodyComplete = content instanceof LastHttpContent;
        if (!inspecting) {
            return; // not asked for: FlowControlHandler keeps the rest until the upstream is ready
        }
        if (bodyComplete || heldBytes > gate.bodyInspectionLimit()) {
            inspecting = false;
            GatewayDecision.Refuse refusal;
            try {
                refusal = gate.inspectBody(verdict, heldBytes > gate.bodyInspectionLimit() ? null : heldBody());
            } catch (RuntimeException e) {
                failDeciding(e);
                return;
            }
            if (refusal != null) {
                refuse(refusal);
            } else {
                admit();
            }
        } else {
            connection.readMore();
        }
    }

    private byte[] heldBody() {
        byte[] body = new byte[(int) heldBytes];
        int at = 0;
        for (HttpContent piece : held) {
            ByteBuf bytes = piece.content();
            int n = bytes.readableBytes();
            bytes.getBytes(bytes.readerIndex(), body, at, n);
            at += n;
        }
        return body;
    }

    private void admit() {
        GatewayDecision.Forward allowed = (GatewayDecision.Forward) verdict.decision();
        ExchangeBudget.Kind kind =
                allowed.tokenId() != null ? ExchangeBudget.Kind.TOKEN : ExchangeBudget.Kind.ANONYMOUS;
        plane.budget().acquire(kind, verdict.client(), connection.scheduler(), new ExchangeBudget.Ticket() {
            @Override
            public void granted(ExchangeBudget.Permit granted) {
                onLoop(() -> {
                    if (over) {
                        granted.release();
                    } else {
                        permit = granted;
                        connect();
                    }
                });
            }

            @Override
            public void refused(ExchangeBudget.Refusal refusal) {
                onLoop(() -> {
                    if (!over) {
                        refuseWith(
                                Answers.full(
                                        refusal.status(),
                                        Map.of(
                                                HttpHeaderNames.RETRY_AFTER.toString(),
                                                ExchangeAdmission.RETRY_AFTER_SECONDS),
                                        Json.write(ExchangeAdmission.problem(
                                                refusal, plane.budget().limits(), head.rawPath()))),
                                refusal.status());
                    }
                });
            }
        });
    }

    private void connect() {
        java.util.function.BiConsumer<UpstreamPool.Lease, Throwable> connected = (lease, failure) -> {
            if (over) {
                if (lease != null) {
                    lease.channel().close();
                }
                return;
            }
            if (failure != null) {
                LOG.debug("upstream connection failed: {}", failure.toString());
                end();
                refuseWith(Answers.problem(502, null, head.rawPath()), 502);
                return;
            }
            if (expectsContinue && !bodyComplete && held.isEmpty()) {
                connection.sendContinue();
            }
            forward =
                    new UpstreamForward(connection, plane, this, request, verdict, lease, held, bodyComplete, upgrade);
            held.clear();
            forward.send();
        };
        if (upgrade) {
            plane.pool().connect(connection.loop(), connected); // a tunnel never goes back to the pool
        } else {
            plane.pool().acquire(connection.loop(), connected);
        }
    }

    private void onLoop(Runnable task) {
        if (connection.loop().inEventLoop()) {
            task.run();
        } else {
            connection.loop().execute(task);
        }
    }

    private void refuse(GatewayDecision.Refuse refusal) {
        refuseWith(
                Answers.of(verdict != null ? gate.answer(verdict, refusal) : GatewayGate.answer(refusal, head)),
                refusal.status());
    }

    /** Answers PATgate's own response; the body is never forwarded, only discarded. */
    private void refuseWith(io.netty.handler.codec.http.FullHttpResponse response, Integer recorded) {
        over = true;
        releaseHeld();
        if (verdict != null && recorded != null) {
            gate.record(verdict, recorded);
        }
        // A client waiting for 100 Continue may never send its body: close rather than wait for it.
        boolean discard = !(expectsContinue && !bodyComplete && heldBytes == 0);
        if (!discard) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        connection.answer(response, discard);
    }

    /** The forward is over (answered, failed or aborted): the budget place goes back once. */
    void end() {
        over = true;
        if (permit != null) {
            permit.release();
            permit = null;
        }
    }

    void record(int status) {
        gate.record(verdict, status);
    }

    @Override
    public void clientWritable(boolean writable) {
        if (forward != null) {
            forward.clientWritable(writable);
        }
    }

    @Override
    public void abort() {
        if (forward != null) {
            forward.abort();
            return;
        }
        if (!over) {
            over = true;
            releaseHeld();
            if (verdict != null) {
                gate.record(verdict, 502);
            }
        }
        end();
    }

    private void releaseHeld() {
        held.forEach(HttpContent::release);
        held.clear();
    }
}
