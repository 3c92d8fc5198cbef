/**
 * Clusters of real PATgate node processes for the benchmarks that need them (change propagation and
 * the soak): a node launched with {@code bin/patgate serve}, killed with SIGKILL or stopped with
 * SIGTERM ({@link org.patgate.bench.cluster.NodeProcess}); a round-robin TCP load balancer in front
 * of the nodes ({@link org.patgate.bench.cluster.TcpBalancer}); an upstream per node that answers
 * with the node's name; and the three-node cluster on one embedded PostgreSQL that ties them
 * together ({@link org.patgate.bench.cluster.BenchCluster}). It talks to the nodes only over HTTP
 * and to the database only over JDBC, as an operator's tools would.
 */
package org.patgate.bench.cluster;
