package org.patgate.server.cluster;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.server.cluster.internal.JobLock;
import org.patgate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each scheduled {@link ClusterJob} on at most one node of the cluster at a time. A run first
 * tries the job's lock without waiting: on PostgreSQL a session advisory lock
 * ({@code pg_try_advisory_lock(LOCK_NAMESPACE, job key)}) on a connection of its own, held for the
 * run; on H2, which serves a single node, a lock in this node's memory. A node that does not get the
 * lock skips this run (logged at debug, counted in {@link #skipped}): another node is doing the work
 * right now, and the next run on any node finds what is still due. A node that dies mid-run loses its
 * connection and PostgreSQL releases its lock with it, so the job is never stuck.
 *
 * <p>The jobs' own work stays safe to repeat (a notice is queued once by its key, a token is revoked
 * only while active, a purge deletes by age): the lock keeps runs apart, the work keeps them exact.
 *
 * <p>Thread-safe.
 */
public final class ClusterJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);

    /** PATgate's advisory lock namespace (the {@code classid} of its locks in {@code pg_locks}): "PATG". */
    public static final int LOCK_NAMESPACE = 0x50415447;

    private final JobLock lock;
    private final Map<ClusterJob, LongAdder> ran = counters();
    private final Map<ClusterJob, LongAdder> skipped = counters();

    private ClusterJobs(JobLock lock) {
        this.lock = lock;
    }

    /** Jobs on {@code database}: across nodes on PostgreSQL, within this node on H2. */
    public static ClusterJobs on(Database database) {
        return database.kind() == Database.Kind.POSTGRESQL
                ? new ClusterJobs(JobLock.advisory(database, LOCK_NAMESPACE))
                : local();
    }

    /** Jobs kept apart within this node only: for a single node (H2) and for components used alone. */
    public static ClusterJobs local() {
        return new ClusterJobs(JobLock.local());
    }

    /**
     * Runs {@code work} now unless the job runs elsewhere (another node, or another thread of this
     * one): true when this call ran it, false when it skipped. A failure of {@code work}, or of taking
     * the lock (the database is down), is thrown after the lock is released.
     */
    public boolean runIfFree(ClusterJob job, Runnable work) {
        Optional<JobLock.Held> held = lock.tryTake(job);
        if (held.isEmpty()) {
            skipped.get(job).increment();
            LOG.debug("Skipped this run of job {}: another node (or thread) is running it", job.label());
            return false;
        }
        try (JobLock.Held running = held.get()) {
            ran.get(job).increment();
            work.run();
            return true;
        }
    }

    /** Runs of {@code job} this node made. */
    public long ran(ClusterJob job) {
        return ran.get(job).sum();
    }

    /** Runs of {@code job} this node skipped because the job was running elsewhere. */
    public long skipped(ClusterJob job) {
        return skipped.get(job).sum();
    }

    private static Map<ClusterJob, LongAdder> counters() {
        Map<ClusterJob, LongAdder> counters = new EnumMap<>(ClusterJob.class);
        for (ClusterJob job : ClusterJob.values()) {
            counters.put(job, new LongAdder());
        }
        return counters;
    }
}
