package org.patgate.server.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSockets open now, each with the upgrade request that opened it, decided again as if that
 * request arrived anew: every {@link #EVERY} and at once when {@link #decideAllNow} is called (a token,
 * an owner or a permission changed). One whose request would now be refused (token revoked, expired,
 * denied; owner disabled, deleted or without <i>use tokens</i>; rules, IP ranges or settings that no
 * longer allow it) is forgotten, logged once at INFO with its token id and the reason (never a
 * secret), counted, and handed to its closer. Decisions run one after another on a thread of its own,
 * where reading the store is fine; a decision that fails refuses (fail closed). No HTTP engine types.
 * Thread-safe.
 */
public final class OpenUpgrades implements AutoCloseable {

    /** How often every open WebSocket is decided again. */
    public static final Duration EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(OpenUpgrades.class);

    private final GatewayGate gate;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService decider;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final LongAdder closed = new LongAdder();

    /** Starts deciding every {@code every}. */
    public OpenUpgrades(GatewayGate gate, Duration every) {
        this.gate = gate;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "patgate-websocket-decide");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.decider = executor;
        decider.scheduleWithFixedDelay(this::decideAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public OpenUpgrades(GatewayGate gate) {
        this(gate, EVERY);
    }

    /** One open WebSocket; {@link #end} it when it closes for any reason. */
    public final class Watch {
        private final GatewayGate.Verdict opened;
        private final Consumer<GatewayDecision.Refuse> closer;

        private Watch(GatewayGate.Verdict opened, Consumer<GatewayDecision.Refuse> closer) {
            this.opened = opened;
            this.closer = closer;
        }

        /** Stops watching (idempotent). */
        public void end() {
            open.remove(this);
        }

        private String tokenId() {
            return opened.decision() instanceof GatewayDecision.Forward forward ? forward.tokenId() : null;
        }

        @Override
        public String toString() {
            return "WebSocket of token " + tokenId(); // the request head holds the credential: never shown
        }
    }

    /**
     * Watches a WebSocket the gate let open.
     *
     * @param opened the verdict on its upgrade request
     * @param closer closes it, once, with the refusal its request would now get; called on the
     *               deciding thread, so it must hand the work over and return
     */
    public Watch watch(GatewayGate.Verdict opened, Consumer<GatewayDecision.Refuse> closer) {
        Watch watch = new Watch(opened, closer);
        open.add(watch);
        return watch;
    }

    /** Decides every open WebSocket again soon, without waiting for the next period. */
    public void decideAllNow() {
        if (queued.compareAndSet(false, true)) {
            try {
                decider.execute(this::decideAll);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false); // closed
            }
        }
    }

    /** WebSockets open now. */
    public int open() {
        return open.size();
    }

    /** WebSockets closed because their upgrade request would no longer be allowed, since start. */
    public long closedNoLongerAllowed() {
        return closed.sum();
    }

    private void decideAll() {
        queued.set(false);
        for (Watch watch : open) {
            GatewayDecision.Refuse refused;
            try {
                refused = gate.decideAgain(watch.opened);
            } catch (RuntimeException e) {
                LOG.warn("deciding an open WebSocket again failed, closing it: {}", e.toString());
                refused = new GatewayDecision.Refuse(
                        503, "unavailable", "Service Unavailable", "deciding again failed", false, null);
            }
            if (refused != null && open.remove(watch)) {
                closed.increment();
                String tokenId = watch.tokenId();
                LOG.info(
                        "closing a WebSocket opened {}: its upgrade request would now be refused ({} {})",
                        tokenId == null ? "without a token" : "with token " + tokenId,
                        refused.status(),
                        refused.detail());
                try {
                    watch.closer.accept(refused);
                } catch (RuntimeException e) {
                    LOG.warn("closing a WebSocket failed: {}", e.toString());
                }
            }
        }
    }

    /** Stops deciding; WebSockets still open stay open (their connections close with the data plane). */
    @Override
    public void close() {
        decider.shutdownNow();
    }
}
