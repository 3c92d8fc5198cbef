package org.patgate.server.dataplane.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BooleanSupplier;

/**
 * Writes one {@link ClientConnection}'s answers to the client: the parts of each answer (its head
 * marks the answer started and, when the connection ends with it, says {@code Connection: close};
 * its end goes with a promise, which the idle timer {@link ClientIdle} watches), {@code 100
 * Continue}, a refusal that closes, and the end of the connection or of the HTTP/2 stream. Owns
 * whether the current request keeps the connection alive and whether its answer has started; what
 * to write when is the connection's. On the connection's event loop only.
 */
final class AnswerWriter {

    private final ChannelHandlerContext ctx;
    /** The HTTP/1.1 response encoder (told about HEAD); null on an HTTP/2 stream. */
    private final ResponseEncoder encoder;
    /** Whether the connection is closed: answers written after that are dropped. */
    private final BooleanSupplier closed;

    private boolean keepAlive;
    private boolean started;

    AnswerWriter(ChannelHandlerContext ctx, ResponseEncoder encoder, BooleanSupplier closed) {
        this.ctx = ctx;
        this.encoder = encoder;
        this.closed = closed;
    }

    /** A request begins: its answer is still to come. */
    void begin(HttpRequest request) {
        keepAlive = HttpUtil.isKeepAlive(request);
        started = false;
        if (encoder != null) {
            encoder.answering(HttpMethod.HEAD.equals(request.method()));
        }
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean started() {
        return started;
    }

    /** Writes (and flushes) a part of the answer; the head first. */
    void write(HttpObject part) {
        write(part, true);
    }

    /**
     * Writes a part of the answer, flushed now or (not {@code flush}) by the next {@link #flush()}: the
     * parts of one upstream read go out together.
     */
    void write(HttpObject part, boolean flush) {
        if (closed.getAsBoolean()) {
            ReferenceCountUtil.release(part);
            return;
        }
        if (part instanceof HttpResponse response && response.status().code() >= 200) {
            started = true;
            if (!keepAlive) {
                // The connection ends with this answer: say so.
                response.headers().set(HttpHeaderNames.CONNECTION, "close");
            }
        }
        // The end of an answer is watched by the idle timer (ClientIdle): it starts the time between requests.
        ChannelPromise promise = part instanceof LastHttpContent ? ctx.newPromise() : ctx.voidPromise();
        if (flush) {
            ctx.writeAndFlush(part, promise);
        } else {
            ctx.write(part, promise);
        }
    }

    /** Flushes what {@link #write(HttpObject, boolean)} left unflushed. */
    void flush() {
        if (!closed.getAsBoolean()) {
            ctx.flush();
        }
    }

    void sendContinue() {
        ctx.writeAndFlush(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE), ctx.voidPromise());
    }

    /** Answers a malformed request with {@code status} and closes after it. */
    void refuseAndClose(int status, String detail) {
        keepAlive = false;
        if (encoder != null) {
            encoder.answering(false);
        }
        FullHttpResponse response = Answers.closing(Answers.problem(status, detail, null));
        started = true;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends an answered HTTP/2 stream whose request body is not wanted: RFC 9113 §8.1's reset without error. */
    void resetStream() {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR), ctx.voidPromise());
        ctx.close();
    }

    /**
     * Ends a failed HTTP/2 stream with {@code code} (a stream already closed is just closed: the
     * reset's failure is not reported again).
     */
    void resetStream(Http2Error code) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(code)).addListener(written -> ctx.close());
    }

    /** Closes the client connection after what was written (an HTTP/2 stream: ends it, the connection stays). */
    void close() {
        if (encoder == null) {
            ctx.channel().flush();
            ctx.close(); // ends (or is reset) on its own
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
