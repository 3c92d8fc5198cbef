/**
 * Several nodes on one database: the node registry and its heartbeat ({@link NodeRegistry}, {@link
 * Heartbeat}) and what a node knows about reaching its database ({@link DatabaseWatch}), which the
 * health answer, the token checks and the management API ask while the database is away.
 *
 * <p>Floor: services. It may use the foundation, never an edge or launch package and never Jetty's
 * server or HTTP classes; the edge and launch floors use it.
 */
package org.patgate.server.cluster;
