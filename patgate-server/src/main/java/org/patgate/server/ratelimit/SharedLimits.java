package org.patgate.server.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.store.RateLimitTakeRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes rate limits hold across the nodes of a cluster. Every node counts in its own buckets (the
 * request path never waits for the database); each sync it adds the requests it let through per
 * bucket to {@code rate_limit_takes} and takes from its buckets what the other nodes added since the
 * last sync. So a limit holds across nodes within one sync interval: in that interval each node may
 * let through what its own buckets still allow, and the excess is paid back afterwards (a node goes
 * below empty by up to one full window). A failed sync is logged and tried again next time: what was
 * not added is added then. Rows no node added to for a day are purged every ten minutes by one node
 * at a time ({@link ClusterJob#RATE_LIMIT_TAKES_PURGE}). Thread-safe; one sync at a time.
 */
public final class SharedLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLimits.class);
    /** How far back each read reaches before the last one: covers a write whose transaction began earlier. */
    private static final Duration OVERLAP = Duration.ofSeconds(5);
    /** The longest window: rows and debts older than this count for nothing any more. */
    private static final Duration LONGEST_WINDOW = Duration.ofDays(1);

    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    private final RateLimiter limiter;
    private final RateLimitTakeRepository takes;
    private final String node;
    private final Clock clock;
    private final ClusterJobs jobs;
    private final Map<String, Long> pending = new HashMap<>(); // guarded by this: not yet added
    private final Map<String, Seen> seen = new HashMap<>(); // guarded by this: per bucket and node
    private Instant lastRead; // guarded by this: the database's time of the last read
    private Instant firstRead; // guarded by this: the database's time of the first read, less the overlap
    private Instant nextPurge = Instant.MIN; // guarded by this: by this node's clock
    private ScheduledExecutorService scheduler;

    private record Seen(long taken, Instant at) {}

    /**
     * @param node this node's id, unique in the cluster
     * @param jobs keeps the purge of old rows to one node of the cluster at a time
     */
    public SharedLimits(
            RateLimiter limiter, RateLimitTakeRepository takes, String node, Clock clock, ClusterJobs jobs) {
        this.limiter = limiter;
        this.takes = takes;
        this.node = node;
        this.clock = clock;
        this.jobs = jobs;
    }

    /** Syncs every {@code interval} in the background until {@link #close}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("patgate-rate-limit-sync").daemon(true).factory());
        // The first sync now, before any request: the count of the others' requests starts at the node's start.
        syncQuietly();
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::syncQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Adds this node's requests since the last sync and takes the other nodes' new ones; forgets
     * what is older than a day.
     */
    public synchronized void sync() {
        limiter.drainTakenHere().forEach((bucket, requests) -> pending.merge(bucket, requests, Long::sum));
        takes.add(node, pending);
        pending.clear();

        RateLimitTakeRepository.Changes changes =
                takes.changedSince(lastRead == null ? null : lastRead.minus(OVERLAP), node);
        for (RateLimitTakeRepository.Take take : changes.takes()) {
            String key = take.bucket() + '\n' + take.node();
            Seen before = seen.get(key);
            long known = before != null ? before.taken() : firstSight(take);
            long added = take.taken() - known;
            if (added > 0) {
                limiter.takenElsewhere(take.bucket(), added);
            }
            seen.put(key, new Seen(take.taken(), changes.readAt()));
        }
        if (lastRead == null) {
            firstRead = changes.readAt().minus(OVERLAP);
        }
        lastRead = changes.readAt();

        Instant dayAgo = changes.readAt().minus(LONGEST_WINDOW);
        // Forgotten a day after the rows are purged, so a row is never seen anew while it keeps old counts.
        seen.values().removeIf(row -> row.at().isBefore(dayAgo.minus(LONGEST_WINDOW)));
        limiter.forgetOwedBefore(clock.millis() - LONGEST_WINDOW.toMillis());
        Instant now = clock.instant();
        if (!now.isBefore(nextPurge)) {
            nextPurge = now.plus(PURGE_EVERY);
            // The cutoff is the database's time, the same for whichever node runs it.
            jobs.runIfFree(ClusterJob.RATE_LIMIT_TAKES_PURGE, () -> takes.purge(dayAgo));
        }
    }

    /**
     * What of a row seen for the first time this node knows already: at the first read, all of it (the
     * count starts there); a row made since, none of it; an older row that was missed, all but its last
     * addition.
     */
    private long firstSight(RateLimitTakeRepository.Take take) {
        if (lastRead == null) {
            return take.taken();
        }
        return take.createdAt().isBefore(firstRead) ? take.takenBefore() : 0;
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            // Kept in pending and added next time; meanwhile each node counts on its own.
            LOG.warn("could not share rate-limit counts with the other nodes: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
