package org.patgate.server.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's row in the cluster view: registers it at {@link #start}, refreshes it every
 * interval on a thread of its own, and removes it at {@link #close}. Each heartbeat is also the
 * node's probe of its database: it tells the {@link DatabaseWatch} whether the database answered. A
 * failed heartbeat is logged by the watch, and while the database is unreachable it is tried every
 * second (or every interval, if shorter) instead of every interval; once a day's worth of silence
 * has passed, any node's heartbeat deletes the rows of nodes that never came back. Thread-safe.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    /** What the node reports about itself with each heartbeat. */
    public record Stats(long tokenCacheEntries, long activityQueued, long activityDropped) {}

    private final NodeRegistry registry;
    private final DatabaseWatch watch;
    private final Clock clock;
    private final Duration interval;
    private final String address;
    private final String version;
    private final Supplier<Stats> stats;
    private final Instant startedAt;
    private final ScheduledExecutorService scheduler;
    /** While the database is unreachable, it is tried this often (or every interval, if shorter). */
    static final Duration PROBE_WHILE_UNREACHABLE = Duration.ofSeconds(1);
    /** A tick a little early still beats: the scheduler's delay is counted from the end of the last run. */
    private static final long TICK_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private volatile long lastDatabaseMillis;
    private volatile long lastBeatNanos = System.nanoTime();
    private boolean registered;

    private Heartbeat(
            NodeRegistry registry,
            DatabaseWatch watch,
            Clock clock,
            Duration interval,
            String address,
            String version,
            Supplier<Stats> stats) {
        this.registry = registry;
        this.watch = watch;
        this.clock = clock;
        this.interval = interval;
        this.address = address;
        this.version = version;
        this.stats = stats;
        this.startedAt = clock.instant();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "patgate-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Registers the node now (on the caller's thread) and beats every {@code interval} from then on. */
    public static Heartbeat start(
            NodeRegistry registry,
            DatabaseWatch watch,
            Clock clock,
            Duration interval,
            String address,
            String version,
            Supplier<Stats> stats) {
        Heartbeat heartbeat = new Heartbeat(
                Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(watch, "watch"),
                Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(interval, "interval"),
                Objects.requireNonNull(address, "address"),
                Objects.requireNonNull(version, "version"),
                Objects.requireNonNull(stats, "stats"));
        heartbeat.beat();
        // Fixed delay: a beat that waited for the pool does not make the next ones pile up behind it.
        long tick = Math.min(interval.toMillis(), PROBE_WHILE_UNREACHABLE.toMillis());
        heartbeat.scheduler.scheduleWithFixedDelay(heartbeat::tick, tick, tick, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /**
     * Beats once the interval has passed since the last beat, or at once while the database is
     * unreachable: one failed read (a blip, a pool timeout under load) makes the node answer unknown
     * tokens and the management API with 503 until a beat finds the database again, so that beat must
     * not wait a whole interval.
     */
    private void tick() {
        if (watch.unreachable() || System.nanoTime() - lastBeatNanos >= interval.toNanos() - TICK_SLACK_NANOS) {
            beatQuietly();
        }
    }

    /**
     * One heartbeat now, on the caller's thread (the scheduler calls it; tests and operators may too):
     * writes the node's row and tells the watch whether the database answered.
     *
     * @return whether the database answered
     */
    public synchronized boolean beat() {
        long started = System.nanoTime();
        lastBeatNanos = started;
        try {
            Stats now = stats.get();
            NodeRecord node = new NodeRecord(
                    registry.selfId(),
                    address,
                    version,
                    startedAt,
                    clock.instant(),
                    interval,
                    now.tokenCacheEntries(),
                    now.activityQueued(),
                    now.activityDropped(),
                    lastDatabaseMillis);
            if (registered) {
                registry.beat(node);
            } else {
                registry.register(node);
                registered = true;
            }
            registry.forgetSilentSince(clock.instant().minus(NodeRegistry.FORGET_AFTER));
            lastDatabaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            watch.reached();
            return true;
        } catch (RuntimeException e) {
            watch.failed(e);
            return false;
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (Throwable e) { // a scheduled task that throws is never run again
            LOG.error("heartbeat failed; continuing", e);
        }
    }

    /** Stops beating (bounded) and removes the node's row, if the database answers. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("the heartbeat did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (watch.unreachable()) {
            return; // the row ages into "gone" like a killed node's; waiting on the pool would delay the stop
        }
        try {
            registry.remove();
        } catch (RuntimeException e) {
            LOG.warn("could not remove this node from the cluster view: {}", e.toString());
        }
    }

    /**
     * The id a node takes without {@code cluster.nodeId}: its host name (in a container, usually the
     * container's or pod's name) and port, or a random one when the host has no usable name. Stable for
     * the life of the process.
     */
    public static String defaultNodeId(int port) {
        String cleaned = hostName();
        if (cleaned.isEmpty()) {
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            cleaned = "node-" + HexFormat.of().formatHex(random);
        }
        if (cleaned.length() > 180) {
            cleaned = cleaned.substring(0, 180);
        }
        return cleaned + ":" + port;
    }

    /**
     * This host's name, as the environment gives it ({@code HOSTNAME}) or else as the system resolves it,
     * with only {@code [A-Za-z0-9._-]} kept; empty when there is no usable name.
     */
    public static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = null;
            }
        }
        return host == null ? "" : host.replaceAll("[^A-Za-z0-9._-]", "");
    }
}
