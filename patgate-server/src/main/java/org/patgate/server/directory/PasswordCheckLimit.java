package org.patgate.server.directory;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A cap on password checks running at once, so that a burst of logins cannot exhaust the heap or
 * the request threads. An Argon2id check holds {@value #MIB_PER_CHECK} MiB (19 MiB of Argon2
 * memory plus its working set) for its whole run; without a cap, 500 parallel wrong logins ask for
 * 10 GB.
 *
 * <p>Sizing ({@link #forHeap}): a quarter of the maximum heap, divided by {@value #MIB_PER_CHECK} MiB,
 * at most one check per processor (more only queue for the CPU and slow token traffic down) and
 * at least one. With {@code PATGATE_HEAP=256m} that is 3 checks at once (2 on a two-core machine),
 * at 1 GiB on eight cores 8.
 *
 * <p>A check beyond the cap waits at most {@code maxWait} (1 s by default) and only while fewer than
 * {@code maxWaiting} others already wait (by default four per slot, so a few legitimate parallel
 * scripts are not refused, and at most that many request threads wait);
 * every other check is refused at once with {@link PasswordChecksBusyException}, before it
 * allocates anything. Nothing queues unbounded. Thread-safe.
 */
public final class PasswordCheckLimit {

    /** Heap one Argon2id check holds while it runs, in MiB. */
    public static final int MIB_PER_CHECK = 20;
    /** How long a check beyond the cap may wait for a slot before it is refused. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);
    /** How many checks may wait for a slot, per slot. */
    public static final int WAITING_PER_PERMIT = 4;

    private final String what;
    private final int permits;
    private final int maxWaiting;
    private final Duration maxWait;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param what what is limited, for messages ("password checks")
     * @param permits checks that may run at once, at least 1
     * @param maxWaiting checks that may wait for a slot at once, 0 to refuse every excess check at once
     * @param maxWait how long a waiting check waits at most
     */
    public PasswordCheckLimit(String what, int permits, int maxWaiting, Duration maxWait) {
        if (permits < 1 || maxWaiting < 0 || maxWait.isNegative()) {
            throw new IllegalArgumentException("need permits >= 1, maxWaiting >= 0, maxWait >= 0");
        }
        this.what = what;
        this.permits = permits;
        this.maxWaiting = maxWaiting;
        this.maxWait = maxWait;
        this.running = new Semaphore(permits);
    }

    /** The cap for Argon2id checks in this JVM, sized from {@link Runtime#maxMemory()} (see the class comment). */
    public static PasswordCheckLimit forHeap() {
        Runtime runtime = Runtime.getRuntime();
        int permits = permitsFor(runtime.maxMemory(), runtime.availableProcessors());
        return new PasswordCheckLimit("password checks", permits, WAITING_PER_PERMIT * permits, DEFAULT_WAIT);
    }

    /** A quarter of the heap in checks of {@value #MIB_PER_CHECK} MiB, at most one per processor, at least one. */
    static int permitsFor(long maxHeapBytes, int processors) {
        long byMemory = maxHeapBytes / 4 / ((long) MIB_PER_CHECK << 20);
        return (int) Math.max(1, Math.min(byMemory, Math.max(1, processors)));
    }

    /**
     * Runs {@code check} in a free slot.
     *
     * @throws PasswordChecksBusyException when every slot is taken (and waiting is full or took too long)
     */
    public <T> T run(Supplier<T> check) {
        acquire();
        try {
            return check.get();
        } finally {
            running.release();
        }
    }

    /** Checks that may run at once. */
    public int permits() {
        return permits;
    }

    /** Checks running now. */
    public int running() {
        return permits - running.availablePermits();
    }

    private void acquire() {
        if (running.tryAcquire()) {
            return;
        }
        if (maxWaiting == 0 || maxWait.isZero()) {
            throw busy();
        }
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw busy();
        }
        try {
            if (!running.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        } finally {
            waiting.decrementAndGet();
        }
    }

    private PasswordChecksBusyException busy() {
        return new PasswordChecksBusyException(
                "too many " + what + " at once (" + permits + " run in parallel); try again in a second",
                Duration.ofSeconds(1));
    }

    @Override
    public String toString() {
        return "PasswordCheckLimit[" + what + ", permits=" + permits + ", maxWaiting=" + maxWaiting + ", maxWait="
                + maxWait + "]";
    }
}
