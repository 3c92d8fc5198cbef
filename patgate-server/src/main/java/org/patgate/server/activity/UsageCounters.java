package org.patgate.server.activity;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.store.UsageCount;
import org.patgate.server.store.UsageCounterRepository;
import org.patgate.server.store.UsageDimension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage analytics counters, aggregated in memory per minute and written by the activity writer. The
 * request thread only {@link #count}s: a few map look-ups and atomic increments into the current
 * minute's cells, per token, client address and path group; requests without a token count by address
 * and path group. Each minute holds at most {@code maxKeys} keys per dimension: a request whose key does
 * not fit is not counted in that dimension and {@link #dropped()} grows. The writer {@link
 * #drain}s: it takes the current minute's cells away and writes them a turn later (so an increment
 * racing the swap still lands), adding each to its minute and hour rows; and at most once an hour it
 * deletes minute rows older than 24 hours and hour rows older than the retention (one node of a cluster
 * at a time). Thread-safe.
 */
public final class UsageCounters implements ActivityRecorder.Extension {

    private static final Logger LOG = LoggerFactory.getLogger(UsageCounters.class);
    /** How long per-minute rows are kept. */
    public static final Duration MINUTE_RETENTION = Duration.ofHours(24);

    /** One key's counters in one minute; laid out as {@link UsageCount#counts()}. */
    private static final class Cell {
        final AtomicLongArray counts = new AtomicLongArray(UsageCount.WIDTH);
        final ConcurrentHashMap<String, LongAdder> refusals = new ConcurrentHashMap<>(4);
    }

    /** The cells of one minute, per dimension, with their key counts (for the bound). */
    private static final class Minute {
        final long minute;
        final ConcurrentHashMap<String, Cell> tokens = new ConcurrentHashMap<>();
        final ConcurrentHashMap<InetAddress, Cell> addresses = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Cell> paths = new ConcurrentHashMap<>();
        final AtomicInteger tokenKeys = new AtomicInteger();
        final AtomicInteger addressKeys = new AtomicInteger();
        final AtomicInteger pathKeys = new AtomicInteger();

        Minute(long minute) {
            this.minute = minute;
        }

        boolean isEmpty() {
            return tokenKeys.get() == 0 && addressKeys.get() == 0 && pathKeys.get() == 0;
        }
    }

    private final UsageCounterRepository store;
    private final PathGroups paths;
    private final Clock clock;
    private final Duration retention;
    private final int maxKeys;
    private final AtomicReference<Minute> current;
    private final ConcurrentLinkedQueue<Minute> retired = new ConcurrentLinkedQueue<>();
    private final List<Minute> graced = new ArrayList<>(); // guarded by this
    private final LongAdder dropped = new LongAdder();
    private Instant nextExpiry = Instant.MIN; // guarded by this
    private final ClusterJobs jobs;

    /**
     * @param retention how long hour rows are kept
     * @param maxKeys   keys per dimension and minute held in memory
     */
    public UsageCounters(UsageCounterRepository store, PathGroups paths, Clock clock, Duration retention, int maxKeys) {
        this(store, paths, clock, retention, maxKeys, ClusterJobs.local());
    }

    /** @param jobs keeps the purge of old rows to one node of a cluster at a time */
    public UsageCounters(
            UsageCounterRepository store,
            PathGroups paths,
            Clock clock,
            Duration retention,
            int maxKeys,
            ClusterJobs jobs) {
        this.jobs = jobs;
        this.store = store;
        this.paths = paths;
        this.clock = clock;
        this.retention = retention;
        this.maxKeys = maxKeys;
        this.current = new AtomicReference<>(new Minute(minuteOf(clock.instant())));
    }

    private static long minuteOf(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 60);
    }

    /**
     * Counts one finished exchange; never blocks, allocates nothing for keys already counted this minute.
     *
     * @param tokenId       the token it carried, or null
     * @param client        the client address, or null when refused before it was resolved
     * @param decodedPath   the normalised path, or null when refused before normalising
     * @param status        the status answered
     * @param refusal       the reason code when PATgate refused it, null when forwarded
     * @param latencyMicros how long the exchange took; counted for forwarded requests only
     * @param arrived       when it arrived: the minute it counts in
     */
    public void count(
            String tokenId,
            InetAddress client,
            String decodedPath,
            int status,
            String refusal,
            long latencyMicros,
            Instant arrived) {
        Minute minute = current.get();
        long at = minuteOf(arrived);
        if (at > minute.minute) {
            minute = advance(minute, at);
        }
        if (tokenId != null) {
            add(cell(minute.tokens, tokenId, minute.tokenKeys), status, refusal, latencyMicros);
        }
        if (client != null) {
            add(cell(minute.addresses, client, minute.addressKeys), status, refusal, latencyMicros);
        }
        add(cell(minute.paths, paths.of(decodedPath), minute.pathKeys), status, refusal, latencyMicros);
    }

    private Minute advance(Minute seen, long at) {
        Minute next = new Minute(at);
        if (current.compareAndSet(seen, next)) {
            retired.add(seen);
            return next;
        }
        return current.get();
    }

    private <K> Cell cell(ConcurrentHashMap<K, Cell> cells, K key, AtomicInteger keys) {
        Cell cell = cells.get(key);
        if (cell != null) {
            return cell;
        }
        if (keys.get() >= maxKeys) {
            dropped.increment();
            return null;
        }
        return cells.computeIfAbsent(key, k -> {
            keys.incrementAndGet();
            return new Cell();
        });
    }

    private static void add(Cell cell, int status, String refusal, long latencyMicros) {
        if (cell == null) {
            return;
        }
        AtomicLongArray counts = cell.counts;
        counts.incrementAndGet(UsageCount.REQUESTS);
        if (status == 429) {
            counts.incrementAndGet(UsageCount.RATE_LIMITED);
        }
        if (refusal != null) {
            counts.incrementAndGet(UsageCount.REFUSED);
            cell.refusals.computeIfAbsent(refusal, r -> new LongAdder()).increment();
            return;
        }
        if (status >= 200 && status < 600) {
            counts.incrementAndGet(UsageCount.STATUS_2XX + status / 100 - 2);
        }
        counts.incrementAndGet(UsageCount.LATENCY + UsageCount.latencyBucket(latencyMicros));
    }

    /** Requests not counted in a dimension because its minute held as many keys as allowed, or lost to a failed write. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public synchronized void drain(boolean everything) {
        Minute minute = current.get();
        if (!minute.isEmpty() && current.compareAndSet(minute, new Minute(minute.minute))) {
            retired.add(minute);
        }
        List<Minute> ready = new ArrayList<>(graced);
        graced.clear();
        for (Minute taken; (taken = retired.poll()) != null; ) {
            if (everything) {
                ready.add(taken);
            } else {
                graced.add(taken); // written next turn: a request thread may still hold one of its cells
            }
        }
        for (Minute done : ready) {
            write(done);
        }
        expireOld();
    }

    private void write(Minute minute) {
        Instant start = Instant.ofEpochSecond(minute.minute * 60);
        List<UsageCount> counts = new ArrayList<>();
        minute.tokens.forEach((key, cell) -> counts.add(snapshot(UsageDimension.TOKEN, key, start, cell)));
        minute.addresses.forEach(
                (key, cell) -> counts.add(snapshot(UsageDimension.IP, key.getHostAddress(), start, cell)));
        minute.paths.forEach((key, cell) -> counts.add(snapshot(UsageDimension.PATH, key, start, cell)));
        try {
            store.add(counts);
        } catch (RuntimeException e) {
            long lost = counts.stream()
                    .filter(c -> c.dimension().equals(UsageDimension.PATH.wireName()))
                    .mapToLong(c -> c.counts()[UsageCount.REQUESTS])
                    .sum();
            dropped.add(lost);
            LOG.warn("could not write usage counters of {} requests, dropped them: {}", lost, e.toString());
        }
    }

    private static UsageCount snapshot(UsageDimension dimension, String key, Instant start, Cell cell) {
        long[] counts = new long[UsageCount.WIDTH];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = cell.counts.get(i);
        }
        Map<String, Long> refusals = new HashMap<>();
        cell.refusals.forEach((reason, n) -> refusals.put(reason, n.sum()));
        return new UsageCount(dimension.wireName(), key, start, counts, refusals);
    }

    /** At most once an hour: deletes minute rows older than 24 hours and hour rows older than the retention. */
    private void expireOld() {
        Instant now = clock.instant();
        if (now.isBefore(nextExpiry)) {
            return;
        }
        nextExpiry = now.plus(Duration.ofHours(1));
        try {
            jobs.runIfFree(ClusterJob.USAGE_COUNTER_PURGE, () -> {
                store.expireBefore(UsageCounterRepository.Span.MINUTE, now.minus(MINUTE_RETENTION));
                int hours = store.expireBefore(UsageCounterRepository.Span.HOUR, now.minus(retention));
                if (hours > 0) {
                    LOG.info("deleted {} hourly usage counters older than {}", hours, retention);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("could not delete old usage counters; trying again in an hour: {}", e.toString());
        }
    }
}
