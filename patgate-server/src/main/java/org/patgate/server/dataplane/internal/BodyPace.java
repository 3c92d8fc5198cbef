package org.patgate.server.dataplane.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a request body at {@code limits.minRequestBodyRate}: the time spent waiting for the client's
 * bytes may add up to at most {@code requestBodyGrace + bytesSoFar / rate}. Only waiting for the client
 * counts (not waiting for a slow upstream to take the body), as in the Jetty data plane's
 * {@code gateway.RequestBodyRate}. On the connection's event loop only.
 */
final class BodyPace {

    private final long bytesPerSecond;
    private final long graceNanos;
    private final EventLoop loop;
    private final Runnable tooSlow;
    private long bytes;
    private long waitedNanos;
    private long waitingSince = -1;
    private ScheduledFuture<?> timer;

    BodyPace(long bytesPerSecond, long graceNanos, EventLoop loop, Runnable tooSlow) {
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.loop = loop;
        this.tooSlow = tooSlow;
    }

    /** More of the body was asked for: the client's time runs. */
    void waiting() {
        if (waitingSince >= 0) {
            return;
        }
        waitingSince = System.nanoTime();
        long allowance = graceNanos + (long) (bytes * 1e9 / bytesPerSecond) - waitedNanos;
        if (allowance <= 0) {
            tooSlow.run();
            return;
        }
        timer = loop.schedule(tooSlow, allowance, TimeUnit.NANOSECONDS);
    }

    /** A piece of {@code count} bytes arrived: the client's time stops. */
    void arrived(int count) {
        bytes += count;
        if (waitingSince >= 0) {
            waitedNanos += System.nanoTime() - waitingSince;
            waitingSince = -1;
        }
        stopTimer();
    }

    void stop() {
        waitingSince = -1;
        stopTimer();
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
