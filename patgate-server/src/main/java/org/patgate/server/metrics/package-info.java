/**
 * The node's metrics in Prometheus form: the gateway's decisions and latencies, the token cache, the
 * activity queue, the database pool, the JVM and the data plane, registered once at start ({@link
 * org.patgate.server.metrics.NodeMetrics}), counted on the hot path without allocating ({@link
 * org.patgate.server.metrics.GatewayMetrics}) and served at {@code /.patgate/metrics} to the callers
 * {@code metrics.*} allows ({@link org.patgate.server.metrics.MetricsHandler}).
 */
package org.patgate.server.metrics;
