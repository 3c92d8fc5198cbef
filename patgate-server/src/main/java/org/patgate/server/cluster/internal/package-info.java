/** The listening connection of {@link org.patgate.server.cluster.ChangePropagation}; nobody else uses it. */
package org.patgate.server.cluster.internal;
