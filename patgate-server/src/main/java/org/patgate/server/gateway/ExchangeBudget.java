package org.patgate.server.gateway;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.thread.Scheduler;
import org.patgate.server.config.LimitsConfig;

/**
 * Who may hold the upstream connections. An exchange (one proxied request, from admission until its
 * response is complete) needs one of {@code limits.upstreamConnections}. Exchanges without a
 * verified token hold at most {@code limits.anonymousExchanges} of them, counted while they wait
 * too, so the rest is a reserve no anonymous client can take. One client address holds at most
 * {@code limits.clientExchanges} exchanges in each of the two budgets, so an anonymous flood from
 * an address never blocks that address's token traffic. When every connection is busy a request
 * waits at most {@code limits.upstreamWait}; a freed connection goes to waiting token requests
 * first. Refusals are counted by limit.
 *
 * <p>The outcome of {@link #acquire} is delivered exactly once to its {@link Ticket}, never under
 * this object's lock. Thread-safe.
 */
public final class ExchangeBudget {

    /** The two budgets. */
    public enum Kind {
        TOKEN,
        ANONYMOUS
    }

    /** Why an exchange was not started, with the status to answer and the key that set the limit. */
    public enum Refusal {
        CLIENT(429, "limits.clientExchanges"),
        ANONYMOUS(503, "limits.anonymousExchanges"),
        UPSTREAM_WAIT(503, "limits.upstreamWait");

        private final int status;
        private final String key;

        Refusal(int status, String key) {
            this.status = status;
            this.key = key;
        }

        public int status() {
            return status;
        }

        public String key() {
            return key;
        }
    }

    /** Receives the outcome of one {@link #acquire}: exactly one call. */
    public interface Ticket {
        void granted(Permit permit);

        void refused(Refusal refusal);
    }

    /** A held upstream connection; {@link #release} once the exchange is over (idempotent). */
    public final class Permit {
        private final Holder holder;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(Holder holder) {
            this.holder = holder;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                ExchangeBudget.this.release(holder);
            }
        }
    }

    private record Holder(Kind kind, InetAddress client) {}

    private static final class Waiter {
        final Holder holder;
        final Ticket ticket;
        volatile Scheduler.Task timeout;

        Waiter(Holder holder, Ticket ticket) {
            this.holder = holder;
            this.ticket = ticket;
        }
    }

    private final LimitsConfig limits;
    private final Map<Holder, Integer> perClient = new HashMap<>();
    private final LinkedHashSet<Waiter> tokenWaiters = new LinkedHashSet<>();
    private final LinkedHashSet<Waiter> anonymousWaiters = new LinkedHashSet<>();
    private final Map<Refusal, Long> refusals = new EnumMap<>(Refusal.class);
    private int connectionsInUse;
    private int anonymousHeld;

    public ExchangeBudget(LimitsConfig limits) {
        this.limits = limits;
        for (Refusal refusal : Refusal.values()) {
            refusals.put(refusal, 0L);
        }
    }

    public LimitsConfig limits() {
        return limits;
    }

    /**
     * Starts an exchange for {@code client} now, after a bounded wait, or refuses it; see {@link Ticket}.
     * {@code scheduler} ends the wait after {@code limits.upstreamWait}.
     */
    public void acquire(Kind kind, InetAddress client, Scheduler scheduler, Ticket ticket) {
        Holder holder = new Holder(kind, client);
        Refusal refusal = null;
        Permit permit = null;
        Waiter waiter = null;
        synchronized (this) {
            if (perClient.getOrDefault(holder, 0) >= limits.clientExchanges()) {
                refusal = Refusal.CLIENT;
            } else if (kind == Kind.ANONYMOUS && anonymousHeld >= limits.anonymousExchanges()) {
                refusal = Refusal.ANONYMOUS;
            } else if (connectionsInUse < limits.upstreamConnections()) {
                hold(holder);
                connectionsInUse++;
                permit = new Permit(holder);
            } else if (limits.upstreamWait().isZero()) {
                refusal = Refusal.UPSTREAM_WAIT;
            } else {
                hold(holder);
                waiter = new Waiter(holder, ticket);
                waiters(kind).add(waiter);
            }
            if (refusal != null) {
                refusals.merge(refusal, 1L, Long::sum);
            }
        }
        if (permit != null) {
            ticket.granted(permit);
        } else if (refusal != null) {
            ticket.refused(refusal);
        } else {
            Waiter queued = waiter;
            queued.timeout = scheduler.schedule(
                    () -> expire(queued), limits.upstreamWait().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void release(Holder holder) {
        Waiter next;
        synchronized (this) {
            unhold(holder);
            next = firstWaiter(tokenWaiters);
            if (next == null) {
                next = firstWaiter(anonymousWaiters);
            }
            if (next == null) {
                connectionsInUse--;
            }
            // Otherwise the connection passes straight to the waiter: connectionsInUse stays.
        }
        if (next != null) {
            Scheduler.Task timeout = next.timeout;
            if (timeout != null) {
                timeout.cancel();
            }
            next.ticket.granted(new Permit(next.holder));
        }
    }

    private void expire(Waiter waiter) {
        synchronized (this) {
            if (!waiters(waiter.holder.kind()).remove(waiter)) {
                return; // granted meanwhile
            }
            unhold(waiter.holder);
            refusals.merge(Refusal.UPSTREAM_WAIT, 1L, Long::sum);
        }
        waiter.ticket.refused(Refusal.UPSTREAM_WAIT);
    }

    private void hold(Holder holder) {
        perClient.merge(holder, 1, Integer::sum);
        if (holder.kind() == Kind.ANONYMOUS) {
            anonymousHeld++;
        }
    }

    private void unhold(Holder holder) {
        perClient.computeIfPresent(holder, (key, count) -> count == 1 ? null : count - 1);
        if (holder.kind() == Kind.ANONYMOUS) {
            anonymousHeld--;
        }
    }

    private LinkedHashSet<Waiter> waiters(Kind kind) {
        return kind == Kind.TOKEN ? tokenWaiters : anonymousWaiters;
    }

    private static Waiter firstWaiter(LinkedHashSet<Waiter> waiters) {
        Iterator<Waiter> it = waiters.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Waiter first = it.next();
        it.remove();
        return first;
    }

    /** Counts for {@code /.patgate/health}: connections in use, waiting requests, refusals by limit. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("upstreamConnectionsInUse", connectionsInUse);
        counts.put("anonymousExchanges", anonymousHeld);
        counts.put("waiting", tokenWaiters.size() + anonymousWaiters.size());
        Map<String, Object> refused = new LinkedHashMap<>();
        refused.put("clientExchanges", refusals.get(Refusal.CLIENT));
        refused.put("anonymousExchanges", refusals.get(Refusal.ANONYMOUS));
        refused.put("upstreamWait", refusals.get(Refusal.UPSTREAM_WAIT));
        counts.put("refused", refused);
        return counts;
    }
}
