/**
 * Several nodes on one PostgreSQL acting as one installation. {@link org.patgate.server.cluster.ClusterJobs}
 * runs each scheduled {@link org.patgate.server.cluster.ClusterJob} on one node at a time.
 */
package org.patgate.server.cluster;
