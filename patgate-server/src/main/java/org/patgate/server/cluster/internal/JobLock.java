package org.patgate.server.cluster.internal;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.store.AdvisoryLock;
import org.patgate.server.store.Database;

/**
 * Where a job's "one run at a time" lives: in PostgreSQL for a cluster, in memory for a single node.
 * {@link #tryTake} never waits. Thread-safe.
 */
public sealed interface JobLock {

    /** The job's lock, taken; closing it releases it. Closed once, by the thread that took it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The job's lock if free now, else empty. */
    Optional<Held> tryTake(ClusterJob job);

    /** Locks in {@code namespace} of the PostgreSQL {@code database}, shared by every node on it. */
    static JobLock advisory(Database database, int namespace) {
        return new Advisory(database, namespace);
    }

    /** Locks in this node's memory. */
    static JobLock local() {
        return new Local();
    }

    /** A session advisory lock per run, on a connection of its own that the run holds. */
    record Advisory(Database database, int namespace) implements JobLock {
        @Override
        public Optional<Held> tryTake(ClusterJob job) {
            Optional<AdvisoryLock> taken = database.tryAdvisoryLock(namespace, job.key());
            return taken.map(lock -> lock::close);
        }
    }

    /** One {@link ReentrantLock} per job; a thread already running the job does not run it again inside. */
    final class Local implements JobLock {
        private final ReentrantLock[] locks = new ReentrantLock[ClusterJob.values().length];

        Local() {
            for (int i = 0; i < locks.length; i++) {
                locks[i] = new ReentrantLock();
            }
        }

        @Override
        public Optional<Held> tryTake(ClusterJob job) {
            ReentrantLock lock = locks[job.ordinal()];
            if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
                return Optional.empty();
            }
            return Optional.of(lock::unlock);
        }
    }
}
