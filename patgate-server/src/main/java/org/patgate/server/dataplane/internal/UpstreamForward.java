package org.patgate.server.dataplane.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.patgate.server.gateway.GatewayDecision;
import org.patgate.server.gateway.GatewayGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An allowed request on its way to the upstream and the answer on its way back, streamed both ways
 * without aggregation: the client's body is read only while the upstream connection takes it, and
 * the upstream's answer only while the client takes it. The request line is the decided method and
 * the normalised path; the headers are the gate's, framed here. A stale pooled connection that fails
 * before any answer is retried once on a fresh one for a request without a body. On the client
 * connection's event loop (the upstream connection lives on the same one).
 */
final class UpstreamForward implements UpstreamHandler.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamForward.class);

    private final ClientConnection connection;
    private final PlaneContext plane;
    private final GatewayExchange exchange;
    private final HttpRequest clientRequest;
    private final GatewayGate.Verdict verdict;
    private final List<HttpContent> replay;
    private final boolean hasBody;
    /** A WebSocket upgrade the gate allowed, on its own (never pooled) upstream connection. */
    private final boolean upgrade;

    private UpstreamPool.Lease lease;
    private boolean requestSent;
    private boolean bodyStarted;
    private boolean waitingForUpstream;
    private boolean answerStarted;
    private boolean upstreamKeepAlive;
    private boolean retried;
    private int status;
    private boolean over;
    private boolean interim;
    /** The upstream's {@code 101}, kept until its end has been read too. */
    private HttpResponse switched;
    /** When the request was sent upstream, for the upstream latency metric. */
    private long sentNanos;

    UpstreamForward(
            ClientConnection connection,
            PlaneContext plane,
            GatewayExchange exchange,
            HttpRequest clientRequest,
            GatewayGate.Verdict verdict,
            UpstreamPool.Lease lease,
            List<HttpContent> held,
            boolean bodyComplete,
            boolean upgrade) {
        this.connection = connection;
        this.plane = plane;
        this.exchange = exchange;
        this.clientRequest = clientRequest;
        this.verdict = verdict;
        this.lease = lease;
        this.replay = List.copyOf(held);
        this.hasBody = Requests.hasBody(clientRequest);
        this.upgrade = upgrade;
        this.requestSent = bodyComplete && replay.isEmpty() && !hasBody;
    }

    /** Writes the request head and whatever body arrived already, then asks the client for more. */
    void send() {
        sentNanos = System.nanoTime();
        Channel upstream = lease.channel();
        UpstreamHandler.of(upstream).listener(this);
        upstream.config().setAutoRead(connection.clientWritable());
        upstream.write(upstreamRequest(), upstream.voidPromise());
        boolean last = !hasBody;
        for (HttpContent piece : replay) {
            bodyStarted = true;
            last = piece instanceof LastHttpContent;
            upstream.write(piece, upstream.voidPromise());
        }
        upstream.flush();
        requestSent = last;
        if (!last) {
            askClient();
        }
    }

    private HttpRequest upstreamRequest() {
        String target = plane.upstreamPathPrefix()
                + verdict.encodedPath()
                + (verdict.upstreamQuery() == null ? "" : "?" + verdict.upstreamQuery());
        if (!(verdict.decision() instanceof GatewayDecision.Forward)) {
            throw new IllegalStateException("forwarding without a decision to forward"); // fail closed
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        plane.gate().upstreamHeaders(verdict, upgrade, Answers.into(headers));
        // The framing is ours (RFC 9112 §6): the client's body is re-framed, never its length passed blind.
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.EXPECT);
        if (HttpUtil.isTransferEncodingChunked(clientRequest)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (clientRequest.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, clientRequest.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        }
        return new DefaultHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.valueOf(verdict.head().method()), target, headers);
    }

    private void askClient() {
        if (lease.channel().isWritable()) {
            waitingForUpstream = false;
            connection.readMore();
        } else {
            waitingForUpstream = true;
        }
    }

    /** A piece of the client's body: straight on to the upstream. */
    void content(HttpContent content) {
        if (over) {
            content.release();
            return;
        }
        bodyStarted = true;
        boolean last = content instanceof LastHttpContent;
        lease.channel().writeAndFlush(content, lease.channel().voidPromise());
        if (last) {
            requestSent = true;
        } else {
            askClient();
        }
    }

    @Override
    public void upstreamReadComplete() {
        if (!over) {
            connection.answers().flush();
        }
    }

    @Override
    public void upstreamWritable() {
        if (waitingForUpstream && !over) {
            askClient();
        }
    }

    void clientWritable(boolean writable) {
        if (!over) {
            lease.channel().config().setAutoRead(writable);
            if (writable) {
                lease.channel().read();
            }
        }
    }

    @Override
    public void upstreamRead(HttpObject part) {
        if (over) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(part);
            LOG.debug(
                    "malformed upstream answer: {}",
                    part.decoderResult().cause().toString());
            fail(502);
            return;
        }
        if (part instanceof HttpResponse response) {
            if (response.status().code() < 200) {
                // Informational: 100 is ours to send (Expect was not passed on); 101 only to an upgrade asked for.
                interim = true;
                if (response.status().code() == 101 && upgrade) {
                    switched = response;
                    return;
                }
                ReferenceCountUtil.release(part);
                if (response.status().code() == 101) {
                    fail(502);
                }
                return;
            }
            if (!head(response)) {
                return;
            }
        }
        if (interim && part instanceof LastHttpContent) {
            // The end of an informational answer, not of the answer.
            interim = false;
            ReferenceCountUtil.release(part);
            if (switched != null) {
                tunnel();
            }
            return;
        }
        if (part instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            // Flushed at the end of the upstream read (upstreamReadComplete), or now when it is the last.
            connection.answers().write(content, last);
            if (last) {
                // Before the whole body was sent the upstream connection is done for (complete() closes it).
                complete();
            }
        }
    }

    /** The answer's head: checked by the gate, hop-by-hop fields removed, framed for the client. */
    private boolean head(HttpResponse response) {
        status = response.status().code();
        plane.gate().upstreamAnswered(System.nanoTime() - sentNanos);
        GatewayDecision.Refuse refusal = plane.gate().checksAnswer(verdict)
                ? plane.gate().refusesAnswer(verdict, status, Answers.toJetty(response.headers()))
                : null;
        if (refusal != null) {
            ReferenceCountUtil.release(response);
            over = true;
            lease.channel().close();
            exchange.end();
            exchange.record(refusal.status());
            connection.answer(Answers.of(plane.gate().answer(verdict, refusal)), false);
            return false;
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        HopByHop.strip(response.headers());
        boolean bodiless = HttpMethod.HEAD.equals(clientRequest.method()) || status == 204 || status == 304;
        if (!bodiless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (clientRequest.protocolVersion().minorVersion() == 0) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else {
                response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (plane.gate().hasAnswerHeaders(verdict)) {
            plane.gate().answerHeaders(verdict, response.headers()::add);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        answerStarted = true;
        connection.answers().write(response, false);
        return true;
    }

    /**
     * The upstream switched to the WebSocket protocol: the {@code 101} goes to the client (with the
     * upgrade fields the answer needs, the other hop-by-hop ones removed) and both connections become a
     * {@link Tunnel}, which holds the budget place until it closes. Anything else than a switch to
     * {@code websocket} of a whole request, with nothing more from the client waiting, fails the exchange.
     */
    private void tunnel() {
        HttpResponse response = switched;
        switched = null;
        String to = response.headers().get(HttpHeaderNames.UPGRADE);
        if (to == null
                || !HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(to.strip())
                || !connection.requestComplete()
                || connection.channel().pipeline().get(ExplicitReads.class) == null
                || connection.channel().pipeline().get(ExplicitReads.class).hasWaiting()) {
            LOG.debug("refusing an upstream switch to {}", to);
            fail(502);
            return;
        }
        status = 101;
        GatewayDecision.Refuse refusal =
                plane.gate().refusesAnswer(verdict, status, Answers.toJetty(response.headers()));
        if (refusal != null) {
            over = true;
            lease.channel().close();
            exchange.end();
            exchange.record(refusal.status());
            connection.answer(Answers.of(plane.gate().answer(verdict, refusal)), false);
            return;
        }
        over = true;
        connection.answers().write(Tunnel.switchingAnswer(response));
        exchange.record(status);
        connection.tunnelled();
        UpstreamHandler.of(lease.channel()).listener(null);
        try {
            Tunnel.open(
                    connection.channel(),
                    lease.channel(),
                    exchange::end,
                    plane.pool().idleTimeout(),
                    plane.upgrades(),
                    verdict);
        } catch (RuntimeException e) {
            // Fail closed: neither connection carries anything more.
            LOG.warn("could not open a WebSocket tunnel", e);
            lease.channel().close();
            connection.channel().close();
            exchange.end();
        }
    }

    /** The answer is complete: the upstream connection goes back to the pool if it can serve again. */
    private void complete() {
        over = true;
        // An upgrade's connection was asked to switch protocols: whatever the answer, it serves no other.
        boolean reusable = upstreamKeepAlive && requestSent && !upgrade;
        if (reusable) {
            lease.channel().config().setAutoRead(true);
            plane.pool().release(lease.channel());
        } else {
            UpstreamHandler.of(lease.channel()).listener(null);
            lease.channel().close();
        }
        exchange.end();
        exchange.record(status);
        connection.finished(connection.requestComplete(), false);
    }

    @Override
    public void upstreamClosed(Throwable cause) {
        if (over) {
            return;
        }
        if (!answerStarted && lease.reused() && !hasBody && !bodyStarted && !retried) {
            // A pooled connection the upstream had closed meanwhile: once more on a fresh one.
            retried = true;
            plane.pool().connect(connection.loop(), (fresh, failure) -> {
                if (over) {
                    if (fresh != null) {
                        fresh.channel().close();
                    }
                } else if (failure != null) {
                    fail(502);
                } else {
                    lease = fresh;
                    send();
                }
            });
            return;
        }
        if (cause != null) {
            LOG.debug("upstream connection failed: {}", cause.toString());
        }
        fail(502);
    }

    @Override
    public void upstreamTimedOut() {
        if (!over) {
            fail(504);
        }
    }

    /** The exchange failed: a problem answer if none was started, else the client connection closes. */
    private void fail(int failureStatus) {
        over = true;
        UpstreamHandler.of(lease.channel()).listener(null);
        lease.channel().close();
        exchange.end();
        if (answerStarted) {
            exchange.record(status);
            connection.close();
        } else {
            exchange.record(failureStatus);
            connection.answer(
                    Answers.problem(failureStatus, null, verdict.head().rawPath()), false);
        }
    }

    /** The client is gone or its body failed: the upstream exchange is dropped, never reused. */
    void abort() {
        if (over) {
            return;
        }
        over = true;
        UpstreamHandler.of(lease.channel()).listener(null);
        lease.channel().close();
        exchange.end();
        exchange.record(answerStarted ? status : 502);
    }
}
