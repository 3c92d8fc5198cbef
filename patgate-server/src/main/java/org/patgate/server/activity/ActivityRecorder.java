package org.patgate.server.activity;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.store.ActivityRepository;
import org.patgate.server.store.StoreException;
import org.patgate.server.store.TokenRepository;
import org.patgate.server.store.UsageRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes token-use events from the gateway without ever blocking it: {@link #record} only offers
 * to a bounded queue, and an event that does not fit is dropped and counted. One background thread
 * drains the queue every flush interval and writes in batches: the tokens' last-used columns,
 * their hourly request counters (kept for {@link #USAGE_RETENTION}, purged by one node of a
 * cluster at a time) and their recent requests. A
 * failed batch is held and written again, from the step where it stopped: for as long as the database
 * cannot be reached, else a few times before it is logged, counted as dropped, and the writer goes on.
 * While a batch is held nothing new is taken, so the queue's bound is what an outage can hold, and
 * what does not fit is dropped and counted.
 * {@link Extension}s write along on the same thread: the usage analytics counters ({@link #countUsage},
 * counted on the request thread into memory, written here) and the tokens' address history.
 * {@link #close} stops it within a bounded time after a last drain. Thread-safe.
 */
public final class ActivityRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityRecorder.class);
    private static final int MAX_BATCH = 5_000;
    /** Retries of a batch whose failure does not say the database is unreachable, before it is dropped. */
    private static final int UNEXPLAINED_RETRIES = 3;
    /** How long hourly request counters are kept. */
    public static final Duration USAGE_RETENTION = Duration.ofDays(90);

    private final BlockingQueue<TokenUseEvent> queue;
    private final TokenRepository tokens;
    private final ActivityRepository activity;
    private final UsageRepository usage;
    private final Clock clock;
    private final ClusterJobs jobs;
    private Instant nextExpiry = Instant.MIN;
    private final Duration flushInterval;
    private final int recentRequests;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    /** Events taken but not yet written or dropped: queued plus the writer's batch in flight. */
    private final AtomicLong pending = new AtomicLong();

    private final List<Extension> extensions = new CopyOnWriteArrayList<>();
    private volatile UsageCounters usageCounters;

    private final Thread writer;
    private volatile boolean running = true;
    private final Object wake = new Object();
    private boolean flushRequested; // guarded by wake
    // A batch the database was unreachable for and the step it stopped at (steps before it are
    // written), retried before anything new is taken. Guarded by this.
    // (Both the writer and a caller's flush may hold a batch: they queue up here, oldest first.)
    private final ArrayDeque<HeldBatch> held = new ArrayDeque<>();
    private volatile int heldCount;

    private record HeldBatch(List<TokenUseEvent> events, int step, int unexplained) {}

    public ActivityRecorder(
            TokenRepository tokens,
            ActivityRepository activity,
            UsageRepository usage,
            Clock clock,
            int queueSize,
            Duration flushInterval,
            int recentRequests) {
        this(tokens, activity, usage, clock, queueSize, flushInterval, recentRequests, ClusterJobs.local());
    }

    /** @param jobs keeps the purge of old hourly counters to one node of a cluster at a time */
    public ActivityRecorder(
            TokenRepository tokens,
            ActivityRepository activity,
            UsageRepository usage,
            Clock clock,
            int queueSize,
            Duration flushInterval,
            int recentRequests,
            ClusterJobs jobs) {
        this.jobs = jobs;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.tokens = tokens;
        this.activity = activity;
        this.usage = usage;
        this.clock = clock;
        this.flushInterval = flushInterval;
        this.recentRequests = recentRequests;
        this.writer =
                Thread.ofPlatform().daemon().name("patgate-activity-writer").unstarted(this::run);
        this.writer.start();
    }

    /**
     * Something more the activity writer writes, on its thread: {@link #written} sees every batch of
     * token-use events, {@link #drain} runs on every writer turn (about once per flush interval) and on
     * {@link #flush()}. A failure is logged and does not stop the writer or lose the batch.
     */
    public interface Extension {
        /** A batch of events, oldest first, about to count as written. */
        default void written(List<TokenUseEvent> batch) {}

        /** Write what was gathered; with {@code everything}, all of it now, without a grace period. */
        default void drain(boolean everything) {}
    }

    /** Lets {@code extension} write along; before traffic starts. */
    public void attach(Extension extension) {
        extensions.add(extension);
    }

    /** Counts every exchange in {@code counters} (see {@link #countUsage}) and drains them on the writer. */
    public void countUsageIn(UsageCounters counters) {
        attach(counters);
        this.usageCounters = counters;
    }

    /** Usage counts lost (see {@link UsageCounters#dropped()}); 0 when usage is not counted. */
    public long usageDropped() {
        UsageCounters counters = usageCounters;
        return counters == null ? 0 : counters.dropped();
    }

    /**
     * Counts one finished exchange, with or without a token, for usage analytics; cheap and never
     * blocking (see {@link UsageCounters#count}). Nothing when usage is not counted.
     */
    public void countUsage(
            String tokenId,
            InetAddress client,
            String decodedPath,
            int status,
            String refusal,
            long latencyMicros,
            Instant arrived) {
        UsageCounters counters = usageCounters;
        if (counters != null) {
            counters.count(tokenId, client, decodedPath, status, refusal, latencyMicros, arrived);
        }
    }

    private void drainExtensions(boolean everything) {
        for (Extension extension : extensions) {
            try {
                extension.drain(everything);
            } catch (RuntimeException e) {
                LOG.error("activity extension failed to drain; continuing", e);
            }
        }
    }

    /** Queues one event; never blocks. */
    public void record(TokenUseEvent event) {
        pending.incrementAndGet();
        if (!running || !queue.offer(event)) {
            pending.decrementAndGet();
            dropped.increment();
        }
    }

    /** Events lost because the queue was full, the writer was stopped, or a batch failed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Events written to the database. */
    public long written() {
        return written.sum();
    }

    /** Events waiting to be written. */
    public int queued() {
        return queue.size();
    }

    /**
     * Writes whatever is queued now on the caller's thread, and waits (at most 10 s) for a batch
     * the writer already took: afterwards every event recorded before the call is in the database.
     */
    public void flush() {
        synchronized (wake) {
            // The writer may be holding a batch while it waits out the interval: let it write now.
            flushRequested = true;
            wake.notifyAll();
        }
        if (!writeHeld()) {
            return; // the database is still unreachable: the events stay queued and held
        }
        List<TokenUseEvent> batch = new ArrayList<>();
        while (queue.drainTo(batch, MAX_BATCH) > 0) {
            if (!write(batch)) {
                return;
            }
            batch.clear();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        drainExtensions(true);
    }

    /** Waits out the flush interval, or less when {@link #flush} asks for the events now. */
    private void awaitIntervalOrFlush() throws InterruptedException {
        long deadline = System.nanoTime() + flushInterval.toNanos();
        synchronized (wake) {
            long left;
            while (!flushRequested && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(wake, left);
            }
            flushRequested = false;
        }
    }

    private void run() {
        List<TokenUseEvent> batch = new ArrayList<>();
        while (running) {
            try {
                if (!writeHeld()) {
                    awaitIntervalOrFlush(); // the database is away: try again next interval
                    continue;
                }
                TokenUseEvent first = queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    drainExtensions(false);
                    continue;
                }
                batch.add(first);
                // Let the interval's events gather so a few transactions carry all of them: under load
                // the database sees one batch per interval, not one per burst.
                awaitIntervalOrFlush();
                boolean written;
                do {
                    queue.drainTo(batch, MAX_BATCH - batch.size());
                    written = write(batch);
                    batch.clear();
                } while (written && !queue.isEmpty());
                drainExtensions(false);
            } catch (InterruptedException e) {
                write(batch);
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("activity writer failed; continuing", e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes the held batch, if any; false when the database is still unreachable. */
    private synchronized boolean writeHeld() {
        while (!held.isEmpty()) {
            HeldBatch next = held.pollFirst();
            if (!write(next.events(), next.step(), next.unexplained(), true)) {
                return false; // put back in front by write
            }
        }
        return true;
    }

    /** Writes a new batch; false when the database was unreachable and the batch is held. */
    private synchronized boolean write(List<TokenUseEvent> batch) {
        return write(batch, 0, 0, false);
    }

    /**
     * Writes {@code batch} from step {@code from} on: 0 last-used columns, 1 hourly counters, 2 recent
     * requests, 3 extensions. Each step is one repository call, committed or not as a whole, so a
     * batch held at step n is written again from n: nothing counted twice. A failure that does not
     * say the database is unreachable (a connection cut mid-statement may not) is retried too, but
     * only {@value #UNEXPLAINED_RETRIES} times: a batch the database refuses for its content is dropped.
     */
    private synchronized boolean write(List<TokenUseEvent> batch, int from, int unexplained, boolean retried) {
        if (batch.isEmpty()) {
            return true;
        }
        int step = from;
        try {
            BatchRows rows = BatchRows.of(batch, recentRequests);
            if (step == 0) {
                tokens.recordUses(rows.uses());
                step = 1;
            }
            if (step == 1) {
                usage.add(rows.hourly());
                step = 2;
                expireOldUsage();
            }
            if (step == 2) {
                if (recentRequests > 0) {
                    activity.append(rows.requests(), recentRequests);
                }
                step = 3;
            }
            for (Extension extension : extensions) {
                try {
                    extension.written(batch);
                } catch (RuntimeException e) {
                    LOG.warn("activity extension could not write {} events: {}", batch.size(), e.toString());
                }
            }
            written.add(batch.size());
        } catch (RuntimeException e) {
            boolean unreachable = e instanceof StoreException store && store.databaseUnreachable();
            if (unreachable || unexplained < UNEXPLAINED_RETRIES) {
                int attempts = unreachable ? unexplained : unexplained + 1;
                HeldBatch again = new HeldBatch(List.copyOf(batch), step, attempts);
                if (retried) {
                    held.addFirst(again); // still counted in heldCount
                } else {
                    held.addLast(again);
                    heldCount += batch.size();
                }
                LOG.warn(
                        "could not write {} activity events ({}); holding them to try again: {}",
                        batch.size(),
                        unreachable ? "the database is unreachable" : "attempt " + attempts,
                        e.toString());
                return false;
            }
            dropped.add(batch.size());
            LOG.warn("could not write {} activity events, dropped them: {}", batch.size(), e.toString());
        }
        if (retried) {
            heldCount -= batch.size();
        }
        pending.addAndGet(-batch.size());
        return true;
    }

    /** Events held because the database was unreachable, to be written when it answers (not in {@link #queued}). */
    public int held() {
        return heldCount;
    }

    /**
     * At most once an hour: deletes hourly counters older than the retention, unless another node is
     * doing it right now. A failure is logged and does not cost the batch: it was written.
     */
    private void expireOldUsage() {
        Instant now = clock.instant();
        if (now.isBefore(nextExpiry)) {
            return;
        }
        nextExpiry = now.plus(Duration.ofHours(1));
        try {
            jobs.runIfFree(ClusterJob.TOKEN_USAGE_PURGE, () -> {
                int deleted = usage.expireBefore(now.minus(USAGE_RETENTION));
                if (deleted > 0) {
                    LOG.info("deleted {} hourly usage counters older than {} days", deleted, USAGE_RETENTION.toDays());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("could not delete old hourly usage counters; trying again in an hour: {}", e.toString());
        }
    }

    /** Stops taking events, writes what is queued (bounded by the writer's join), and ends the writer. */
    @Override
    public void close() {
        running = false;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        // Still unreachable at the stop: what is held or queued now is lost, and counted.
        synchronized (this) {
            List<TokenUseEvent> left = new ArrayList<>();
            held.forEach(batch -> left.addAll(batch.events()));
            held.clear();
            heldCount = 0;
            queue.drainTo(left);
            if (!left.isEmpty()) {
                dropped.add(left.size());
                pending.addAndGet(-left.size());
                LOG.warn("stopping with the database unreachable: {} activity events were not written", left.size());
            }
        }
    }
}
