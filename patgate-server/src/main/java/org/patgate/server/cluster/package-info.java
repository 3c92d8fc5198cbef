/**
 * Several nodes on one PostgreSQL acting as one installation. What one node changes reaches the others' caches at once.
 * Every change that affects decisions is written to the change log in its own transaction
 * ({@link org.patgate.server.store.ChangeRepository}) and notified on commit; {@link
 * org.patgate.server.cluster.ChangePropagation} listens on each node and applies each change to
 * that node's {@link org.patgate.server.cluster.LocalCaches}, and after a lost connection replays
 * the log before trusting its caches again. On H2 (one node) nothing listens.
 *
 * <p>Floor: services: it may use the foundation and other service packages without a cycle, never
 * an edge or launch package and never Jetty's server or HTTP classes; the launch floor wires it.
 *
 * <p>{@link org.patgate.server.cluster.ClusterJobs} runs each scheduled {@link org.patgate.server.cluster.ClusterJob}
 * on one node at a time.
 *
 * <p>The node registry and its heartbeat ({@link org.patgate.server.cluster.NodeRegistry}, {@link
 * org.patgate.server.cluster.Heartbeat}) and what a node knows about reaching its database ({@link
 * org.patgate.server.cluster.DatabaseWatch}), which the health answer, the token checks and the
 * management API ask while the database is away.
 */
package org.patgate.server.cluster;
