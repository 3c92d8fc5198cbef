package org.patgate.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's meters: decisions by outcome and reason ({@code patgate_decisions_total}), how long
 * deciding took ({@code patgate_decision_duration_seconds}) and how long whole exchanges took
 * ({@code patgate_exchange_duration_seconds}) and how long the upstream took to answer
 * ({@code patgate_upstream_duration_seconds}). Every data plane calls it once per exchange; counting
 * allocates nothing for the reasons registered up front, and a reason met for the first time is
 * registered once. Reasons are the gateway's fixed codes, so their number stays small. Thread-safe.
 */
public final class GatewayMetrics {

    /** Refusal reasons shown (at zero) before they first happen, so dashboards and alerts find them. */
    public static final List<String> KNOWN_REASONS = List.of(
            "no-credentials",
            "credentials-malformed",
            "password-blocked",
            "other-scheme-blocked",
            "token-malformed",
            "token-unknown",
            "token-expired",
            "token-revoked",
            "token-pending",
            "token-denied",
            "token-owner-disabled",
            "read-only",
            "token-rules",
            "ip-not-allowed",
            "rate-limited");

    static final String DECISIONS = "patgate.decisions";

    // Bucket bounds: a decision from memory takes microseconds, one that reads the store milliseconds.
    private static final Duration[] DECISION_BUCKETS = {
        Duration.ofNanos(50_000),
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1)
    };
    private static final Duration[] EXCHANGE_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2_500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final Counter forwarded;
    private final ConcurrentHashMap<String, Counter> refused = new ConcurrentHashMap<>();
    private final Timer decision;
    private final Timer exchange;
    private final Timer refusedExchange;
    private final Timer upstream;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.forwarded = Counter.builder(DECISIONS)
                .description("Requests the gateway decided, by outcome and refusal reason")
                .tags("outcome", "forwarded", "reason", "none")
                .register(registry);
        KNOWN_REASONS.forEach(this::refusedCounter);
        this.decision = Timer.builder("patgate.decision.duration")
                .description("Time from a request's head to the gateway's decision")
                .serviceLevelObjectives(DECISION_BUCKETS)
                .register(registry);
        this.exchange = exchangeTimer(registry, "forwarded");
        this.refusedExchange = exchangeTimer(registry, "refused");
        this.upstream = Timer.builder("patgate.upstream.duration")
                .description("Time from sending a request upstream to the upstream's answer head")
                .serviceLevelObjectives(EXCHANGE_BUCKETS)
                .register(registry);
    }

    private static Timer exchangeTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("patgate.exchange.duration")
                .description("Time from a request's head to the end of its exchange: the upstream's answer relayed"
                        + " (forwarded) or the refusal sent (refused)")
                .tag("outcome", outcome)
                .serviceLevelObjectives(EXCHANGE_BUCKETS)
                .register(registry);
    }

    /** A decision was made, {@code nanos} after the request's head was read. */
    public void decided(long nanos) {
        decision.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The upstream's answer head arrived, {@code nanos} after the request was sent to it. */
    public void upstreamAnswered(long nanos) {
        upstream.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An exchange the gateway forwarded ended, {@code nanos} after its head was read. */
    public void forwarded(long nanos) {
        forwarded.increment();
        exchange.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An exchange the gateway refused (for {@code reason}) ended, {@code nanos} after its head was read. */
    public void refused(String reason, long nanos) {
        refusedCounter(reason).increment();
        refusedExchange.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter refusedCounter(String reason) {
        Counter counter = refused.get(reason);
        return counter != null
                ? counter
                : refused.computeIfAbsent(
                        reason,
                        code -> Counter.builder(DECISIONS)
                                .description("Requests the gateway decided, by outcome and refusal reason")
                                .tags("outcome", "refused", "reason", code)
                                .register(registry));
    }
}
