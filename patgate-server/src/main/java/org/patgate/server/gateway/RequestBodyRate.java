package org.patgate.server.gateway;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Cuts request bodies that trickle ({@code limits.minRequestBodyRate}): whoever reads a body — the
 * upstream proxy, the management API, the UI — may wait for its bytes at most
 * {@code requestBodyGrace + bytesSoFar / minRequestBodyRate} in total. Only time spent waiting for
 * the client counts, so an upstream that is slow to take the body never gets a client cut. When the
 * allowance runs out the reader gets a {@link SlowRequestBodyException} (answered {@code 408}).
 * Jetty's {@code HttpConfiguration.minRequestDataRate} is not used: Jetty 12's core handlers do
 * not enforce it. Requests without a body pass unwrapped. Thread-safe.
 */
public final class RequestBodyRate extends Handler.Wrapper {

    private final long minBytesPerSecond;
    private final long graceNanos;
    private final AtomicLong cut = new AtomicLong();

    public RequestBodyRate(long minBytesPerSecond, Duration grace, Handler next) {
        super(next);
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() == 0) {
            return super.handle(request, response, callback);
        }
        MeteredRequest metered = new MeteredRequest(request);
        return super.handle(metered, response, Callback.from(callback, metered::stopTimer));
    }

    /** How many request bodies were cut for being too slow, for {@code /.patgate/health}. */
    public long slowRequestBodiesCut() {
        return cut.get();
    }

    /** A request whose body reads and demands are timed; all state under {@code this}. */
    private final class MeteredRequest extends Request.Wrapper {
        private final Runnable onAvailable = this::available;
        private long bytes;
        private long waitedNanos;
        private long waitingSince = -1;
        private Runnable pendingDemand;
        private Scheduler.Task timer;
        private boolean finished;
        private volatile SlowRequestBodyException failure;

        MeteredRequest(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            SlowRequestBodyException slow = failure;
            if (slow != null) {
                return Content.Chunk.from(slow, true);
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                synchronized (this) {
                    bytes += chunk.remaining();
                    if (chunk.isLast()) {
                        finished = true;
                        cancelTimer();
                    }
                }
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            boolean failed;
            synchronized (this) {
                failed = failure != null;
                if (!failed) {
                    pendingDemand = demandCallback;
                    waitingSince = System.nanoTime();
                    if (timer == null && !finished) {
                        schedule(Math.max(allowance() - waitedNanos, 1_000_000));
                    }
                }
            }
            if (failed) {
                getContext().execute(demandCallback);
                return;
            }
            // Keep the reader's invocation type, so Jetty may still run a non-blocking reader in place.
            super.demand(Invocable.from(Invocable.getInvocationType(demandCallback), onAvailable));
        }

        @Override
        public void fail(Throwable cause) {
            // Our own cut stays ours: failing the channel too would stop the 408 from being written.
            if (failure == null) {
                super.fail(cause);
            }
        }

        private void available() {
            Runnable callback;
            synchronized (this) {
                callback = pendingDemand;
                if (callback == null) {
                    return; // already woken with the failure
                }
                pendingDemand = null;
                waitedNanos += System.nanoTime() - waitingSince;
                waitingSince = -1;
            }
            callback.run();
        }

        /** The timer: cut the body if the waiting allowance is used up, else look again when it could be. */
        private void check() {
            Runnable callback;
            synchronized (this) {
                timer = null;
                if (finished || failure != null) {
                    return;
                }
                long waited = waitedNanos + (waitingSince < 0 ? 0 : System.nanoTime() - waitingSince);
                long remaining = allowance() - waited;
                if (remaining > 0) {
                    if (waitingSince >= 0) {
                        schedule(remaining);
                    }
                    // Not waiting: the clock stands still until the next demand schedules again.
                    return;
                }
                failure = new SlowRequestBodyException(minBytesPerSecond, TimeUnit.NANOSECONDS.toMillis(graceNanos));
                callback = pendingDemand;
                pendingDemand = null;
            }
            cut.incrementAndGet();
            if (callback != null) {
                getContext().execute(callback);
            }
        }

        private long allowance() {
            return graceNanos + (long) (bytes * (1_000_000_000.0 / minBytesPerSecond));
        }

        private void schedule(long delayNanos) {
            timer = getComponents().getScheduler().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        synchronized void stopTimer() {
            finished = true;
            cancelTimer();
        }
    }
}
