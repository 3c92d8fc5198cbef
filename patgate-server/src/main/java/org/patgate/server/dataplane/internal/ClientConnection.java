package org.patgate.server.dataplane.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection (or one HTTP/2 stream): takes requests one at a time (reading is explicit,
 * so a pipelined request waits until the answer before it is complete), refuses malformed ones with
 * {@code 400} and closes, hands each request to the exchange its {@link ExchangeRoutes} picks, and
 * decides after each answer whether to read the next request, drain the body, reset the stream or
 * close. The answers go out through its {@link AnswerWriter}; where the request body stands is kept by
 * a {@link BodyDrain}. Every decoded message's result is checked
 * before any of its bytes go anywhere. On the connection's event loop only.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final PlaneContext plane;
    private final ResponseEncoder encoder;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private final ExchangeRoutes routes;
    private final BodyDrain body = new BodyDrain();
    private AnswerWriter answers;
    private LoopScheduler scheduler;
    private String path;
    private boolean closed;
    private boolean inputShut;
    private boolean started;
    /** The request being begun came with its whole body (HTTP/2). */
    private boolean wholeRequest;
    /** Requests begun on this connection. */
    private long requests;

    /** @param encoder the connection's response encoder (told about HEAD), or null where there is none */
    public ClientConnection(PlaneContext plane, ResponseEncoder encoder) {
        this.plane = plane;
        this.encoder = encoder;
        this.routes = new ExchangeRoutes(this, plane);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.answers = new AnswerWriter(ctx, encoder, () -> closed);
        if (ctx.channel().isActive()) {
            requestRead(); // added after the connection opened: the first request is due now
            started = true;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!started) {
            requestRead();
            started = true;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        dispatch(msg);
    }

    /** Asks for the next decoded message ({@link ExplicitReads} hands over one per read). */
    private void requestRead() {
        ctx.read();
    }

    private void dispatch(Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpRequest request && msg instanceof LastHttpContent whole) {
            // HTTP/2 converted: the head and the whole (empty) body in one message.
            wholeRequest = true;
            request(request);
            wholeRequest = false;
            // Its body goes on as a body piece of its own (taking over the bytes), never as a second request.
            LastHttpContent body = Requests.bodyOf(whole);
            if (closed) {
                body.release();
            } else {
                content(body);
            }
        } else if (msg instanceof HttpRequest request) {
            try {
                request(request);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } else if (msg instanceof HttpContent content) {
            content(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void request(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            refuseMalformed(Requests.statusFor(result.cause()), "the request is malformed");
            return;
        }
        String problem = Requests.intake(request, encoder == null, wholeRequest);
        if (problem != null) {
            refuseMalformed(400, problem);
            return;
        }
        path = Requests.rawPath(request.uri());
        answers.begin(request);
        body.begin(
                HttpUtil.is100ContinueExpected(request),
                new BodyPace(
                        plane.limits().minRequestBodyRate(),
                        plane.limits().requestBodyGrace().toNanos(),
                        ctx.channel().eventLoop(),
                        this::bodyTooSlow));
        long thisRequest = ++requests;
        routes.start(request, path);
        if (!wholeRequest
                && !Requests.hasBody(request)
                && !closed
                && !body.complete()
                && !body.draining()
                && requests == thisRequest) {
            // The decoder has the (empty) end of the request ready: take it now, so the request is complete
            // (unless the exchange already ended and took it).
            requestRead();
        }
    }

    private void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            bodyFailed(Requests.statusFor(content.decoderResult().cause()), "the request body is malformed");
            return;
        }
        content = Requests.withoutTrailers(content);
        body.arrived(content.content().readableBytes(), last);
        if (body.draining()) {
            boolean tooMuch = body.drop(content, last);
            if (last) {
                next();
            } else if (tooMuch) {
                if (encoder == null) {
                    resetStream(); // answered in full: the client is asked to stop sending, without error
                } else {
                    close();
                }
            } else {
                drainOn();
            }
            return;
        }
        if (exchange == null) {
            content.release();
            return;
        }
        exchange.content(content);
    }

    /** The exchange {@link ExchangeRoutes} is about to start for the request just begun. */
    void current(Exchange started) {
        exchange = started;
    }

    /** The exchange wants the next piece of the request body. */
    void readMore() {
        if (!body.complete() && !closed) {
            body.waiting();
            requestRead();
        }
    }

    boolean clientWritable() {
        return ctx.channel().isWritable();
    }

    io.netty.channel.EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    /** The connection's event loop as a Jetty scheduler: made once, not for every exchange. */
    LoopScheduler scheduler() {
        if (scheduler == null) {
            scheduler = new LoopScheduler(loop());
        }
        return scheduler;
    }

    io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    boolean requestComplete() {
        return body.complete();
    }

    /** Writes the answers: the exchanges write theirs through it. */
    AnswerWriter answers() {
        return answers;
    }

    /** Sends {@code 100 Continue}: the request was allowed and its body can go upstream now. */
    void sendContinue() {
        body.continueSent();
        answers.sendContinue();
    }

    /**
     * The answer is complete. {@code reusable}: the exchange leaves the connection usable for the next
     * request; with the request body still unread, it is read and dropped when {@code discardBody}
     * (a refusal), else the connection closes.
     */
    void finished(boolean reusable, boolean discardBody) {
        exchange = null;
        if (closed) {
            return;
        }
        if (encoder == null) {
            streamFinished();
        } else if (!reusable || !answers.keepAlive()) {
            close();
        } else if (body.complete()) {
            next();
        } else if (discardBody) {
            body.startDraining();
            drainOn();
        } else {
            close();
        }
    }

    /**
     * An HTTP/2 stream carries one request, so its answer never costs the connection anything: with
     * the request body still arriving, the rest is read and dropped (up to {@link BodyDrain#MAX_DISCARDED_BODY})
     * until the client's end of stream, as the Jetty plane does. Closing the stream before that would
     * reset it ({@code CANCEL}), which clients count as an error. A client still waiting for {@code 100
     * Continue} is told to stop instead, with {@code RST_STREAM(NO_ERROR)} after the complete answer
     * (RFC 9113 §8.1).
     */
    private void streamFinished() {
        if (body.complete()) {
            next();
        } else if (body.awaitingContinue()) {
            resetStream();
        } else {
            body.startDraining();
            requestRead();
        }
    }

    /** Ends an answered HTTP/2 stream whose request body is not wanted: RFC 9113 §8.1's reset without error. */
    private void resetStream() {
        closed = true;
        body.stopDraining();
        body.stopPace();
        answers.resetStream();
    }

    /** Writes a complete answer PATgate made and ends the exchange ({@code discardBody}: see {@link #finished}). */
    void answer(FullHttpResponse response, boolean discardBody) {
        // An HTTP/2 stream never closes for its unread body (see streamFinished).
        boolean closing = encoder != null && (!answers.keepAlive() || (!body.complete() && !discardBody));
        if (closing) {
            Answers.closing(response);
        }
        answers.write(response);
        finished(!closing, discardBody);
    }

    /**
     * Reads on while a refused request's body is dropped; over HTTP/1.1, a client that has shut its
     * sending half with nothing of it left to deliver can never finish that body, so the connection
     * closes now instead of when it has been idle long enough.
     */
    private void drainOn() {
        if (inputShut
                && encoder != null
                && !ctx.pipeline().get(ExplicitReads.class).hasWaiting()) {
            close();
        } else {
            requestRead();
        }
    }

    private void next() {
        body.forgetPace();
        if (inputShut && !ctx.pipeline().get(ExplicitReads.class).hasWaiting()) {
            // Nothing pipelined is waiting and the client sends no more.
            close();
        } else {
            requestRead();
        }
    }

    private void refuseMalformed(int status, String detail) {
        answers.refuseAndClose(status, detail);
        closed = true;
        abortExchange();
    }

    /** A body piece failed to decode: nothing more of it goes anywhere. */
    private void bodyFailed(int status, String detail) {
        abortExchange();
        if (answers.started()) {
            close();
        } else {
            refuseMalformed(status, detail);
        }
    }

    private void bodyTooSlow() {
        if (closed || body.complete()) {
            return;
        }
        LOG.debug("cutting a request body below limits.minRequestBodyRate");
        plane.slowBodiesCut().increment();
        abortExchange();
        if (body.draining() && encoder == null) {
            resetStream();
        } else if (answers.started()) {
            close();
        } else {
            refuseMalformed(
                    408,
                    "the request body arrived slower than limits.minRequestBodyRate ("
                            + plane.limits().minRequestBodyRate() + " bytes/s)");
        }
    }

    private void abortExchange() {
        body.stopPace();
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.abort();
        }
    }

    /**
     * The connection became a WebSocket {@link Tunnel} after the {@code 101} was written: this handler
     * is done with it (the tunnel removes it), and never reads another request.
     */
    void tunnelled() {
        closed = true;
        exchange = null;
        body.stopPace();
        routes.close();
    }

    /** Closes the client connection after what was written. */
    void close() {
        if (!closed) {
            closed = true;
            answers.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent all it will: answer what is in progress, then close.
            inputShut = true;
            if (exchange == null && !body.draining()) {
                close();
            } else if (exchange == null
                    && encoder != null
                    && !ctx.pipeline().get(ExplicitReads.class).hasWaiting()) {
                close(); // draining a body that cannot arrive any more (see drainOn)
            }
        } else if (evt instanceof IdleStateEvent && exchange == null && !body.draining()) {
            close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        abortExchange();
        routes.close();
        ctx.fireChannelInactive();
    }

    /**
     * An HTTP/2 head the conversion could not make a request of is answered {@code 400}, as HTTP/1.1
     * answers the same target; a stream failing otherwise is reset with the code the failure calls for
     * ({@link StreamFailures}); an HTTP/1.1 connection closes.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection failed: {}", cause.getClass().getName());
        if (encoder == null && !closed && exchange == null && !answers.started() && StreamFailures.refusedHead(cause)) {
            refuseMalformed(400, StreamFailures.UNCONVERTIBLE_HEAD);
            return;
        }
        closed = true;
        abortExchange();
        if (encoder == null) {
            answers.resetStream(StreamFailures.resetCode(cause));
        } else {
            ctx.close();
        }
    }
}
