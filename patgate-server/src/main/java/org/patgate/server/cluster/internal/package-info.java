/**
 * Cluster internals, not used outside {@code cluster}: the locks that keep a scheduled job's runs apart, and
 * the listening connection of {@link org.patgate.server.cluster.ChangePropagation}.
 */
package org.patgate.server.cluster.internal;
