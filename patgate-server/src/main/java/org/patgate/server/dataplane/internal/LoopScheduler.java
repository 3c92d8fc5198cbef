package org.patgate.server.dataplane.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A Netty event loop seen as a Jetty {@link Scheduler}, for the shared code that takes one (the
 * exchange budget's wait). Tasks run on the event loop. Thread-safe.
 */
public final class LoopScheduler extends AbstractLifeCycle implements Scheduler {

    private final EventLoop loop;

    public LoopScheduler(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public Task schedule(Runnable task, long delay, TimeUnit units) {
        ScheduledFuture<?> future = loop.schedule(task, delay, units);
        return () -> future.cancel(false);
    }
}
