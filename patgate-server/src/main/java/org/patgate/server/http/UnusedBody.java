package org.patgate.server.http;

import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * What an answer that never uses the request body (a refusal, a not-found) does with that body:
 * reads and discards it, so the exchange ends cleanly and the connection keeps serving.
 *
 * <p>A handler that completes before the body has ended makes Jetty reset the HTTP/2 stream
 * (RST_STREAM CANCEL), and on HTTP/1.1 close the connection. Jetty counts every RST_STREAM it
 * sends, and every DATA frame that then arrives for the closed stream, against the connection's
 * frame rate control (128 events per second by default, the CVE-2025-5115 "MadeYouReset"
 * mitigation); past it the whole connection is closed with GOAWAY ENHANCE_YOUR_CALM, failing every
 * other request multiplexed on it. So: up to {@link #BEFORE_ANSWER} bytes are discarded before
 * answering (clients that send the whole body before reading see the answer, not a reset); the
 * answer is then written and the rest of the body, up to {@link #LIMIT} bytes in all, is discarded
 * before the exchange completes. Only a body larger than that (or one that fails or stalls
 * until the idle or body-rate timeout) still ends in a reset or a closed connection. Stateless.
 */
public final class UnusedBody {

    /** Bytes read before the answer is written. */
    public static final long BEFORE_ANSWER = 64 * 1024;
    /** Bytes read in all; a body declared or found larger is left to Jetty (a reset or a close). */
    public static final long LIMIT = 1024 * 1024;

    private UnusedBody() {}

    /**
     * Discards the body of {@code request} as described above around {@code answer}, which writes the
     * whole answer and completes the callback it is given; {@code callback} completes once the
     * answer is written and the body has been discarded (or given up on).
     */
    public static void answer(Request request, Callback callback, Consumer<Callback> answer) {
        long declared = request.getLength();
        if (declared == 0 || declared > LIMIT) {
            answer.accept(callback);
            return;
        }
        new Discard(request, BEFORE_ANSWER, ended -> {
                    if (ended) {
                        answer.accept(callback);
                        return;
                    }
                    answer.accept(Callback.from(
                            () -> new Discard(request, LIMIT - BEFORE_ANSWER, rest -> callback.succeeded()).run(),
                            callback::failed));
                })
                .run();
    }

    /** Reads and releases chunks until the body ends, {@code limit} bytes are passed or a read fails. */
    private static final class Discard implements Runnable {

        private final Request request;
        private final long limit;
        private final Consumer<Boolean> done;
        private long read;

        Discard(Request request, long limit, Consumer<Boolean> done) {
            this.request = request;
            this.limit = limit;
            this.done = done;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    chunk.release();
                    done.accept(false);
                    return;
                }
                read += chunk.remaining();
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    done.accept(true);
                    return;
                }
                if (read > limit) {
                    done.accept(false);
                    return;
                }
            }
        }
    }
}
