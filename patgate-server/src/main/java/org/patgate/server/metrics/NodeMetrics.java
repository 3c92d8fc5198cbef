package org.patgate.server.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.DoubleSupplier;
import javax.sql.DataSource;
import org.patgate.server.activity.ActivityRecorder;
import org.patgate.server.cluster.ClusterJob;
import org.patgate.server.cluster.ClusterJobs;
import org.patgate.server.token.TokenVerifier;

/**
 * One node's metrics registry: the JVM's meters (memory, GC, threads, class loading, CPU, uptime)
 * from creation, the gateway's ({@link #gateway()}), and the components {@code watch...} is given,
 * read when scraped. Each node has its own registry (several nodes may share a JVM in tests), so
 * nothing is global. Thread-safe; {@link #close()} detaches from the JVM's GC notifications.
 */
public final class NodeMetrics implements AutoCloseable {

    /** {@code Content-Type} of the Prometheus text format 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** {@code Content-Type} of OpenMetrics 1.0 text. */
    public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final GatewayMetrics gateway;

    private NodeMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        this.registry = registry;
        this.gc = gc;
        this.gateway = new GatewayMetrics(registry);
    }

    /** A registry with the JVM's meters bound. */
    public static NodeMetrics create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return new NodeMetrics(registry, gc);
    }

    public GatewayMetrics gateway() {
        return gateway;
    }

    /** The registry, for components that register meters of their own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The token cache: answers from memory, misses, and lookups in the store. */
    public void watchTokenCache(TokenVerifier verifier) {
        FunctionCounter.builder("patgate.token.cache.hits", verifier, TokenVerifier::cacheHits)
                .description("Token verifications answered from memory (known and unknown tokens)")
                .register(registry);
        FunctionCounter.builder("patgate.token.cache.misses", verifier, TokenVerifier::cacheMisses)
                .description("Token verifications that had to ask the store")
                .register(registry);
        FunctionCounter.builder("patgate.token.store.lookups", verifier, TokenVerifier::storeLookups)
                .description("Token lookups in the store (concurrent misses of one token share one)")
                .register(registry);
    }

    /** The activity queue between the gateway and the database. */
    public void watchActivity(ActivityRecorder activity) {
        Gauge.builder("patgate.activity.queue.size", activity, ActivityRecorder::queued)
                .description("Activity events waiting to be written")
                .register(registry);
        FunctionCounter.builder("patgate.activity.written", activity, ActivityRecorder::written)
                .description("Activity events written to the database")
                .register(registry);
        FunctionCounter.builder("patgate.activity.dropped", activity, ActivityRecorder::dropped)
                .description("Activity events dropped because the queue was full")
                .register(registry);
    }

    /** The scheduled jobs' runs on this node: made, or skipped because another node was running the job. */
    public void watchClusterJobs(ClusterJobs jobs) {
        for (ClusterJob job : ClusterJob.values()) {
            FunctionCounter.builder("patgate.cluster.job.runs", jobs, j -> j.ran(job))
                    .description("Runs of a scheduled job on this node, and runs skipped while another node ran it")
                    .tags("job", job.label(), "outcome", "ran")
                    .register(registry);
            FunctionCounter.builder("patgate.cluster.job.runs", jobs, j -> j.skipped(job))
                    .description("Runs of a scheduled job on this node, and runs skipped while another node ran it")
                    .tags("job", job.label(), "outcome", "skipped")
                    .register(registry);
        }
    }

    /**
     * The database connection pool ({@code hikaricp_*}), when it is HikariCP's. Call once, before the
     * pool is much used: HikariCP accepts one metrics tracker per pool.
     */
    public void watchPool(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari) {
            hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    /** A value read when scraped, e.g. the data plane's open connections. */
    public void gauge(String name, String description, DoubleSupplier value) {
        Gauge.builder(name, value, DoubleSupplier::getAsDouble)
                .description(description)
                .register(registry);
    }

    /** Every meter, in OpenMetrics 1.0 text when {@code openMetrics}, else in Prometheus text 0.0.4. */
    public String scrape(boolean openMetrics) {
        return registry.scrape(openMetrics ? OPENMETRICS_TEXT : PROMETHEUS_TEXT);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
