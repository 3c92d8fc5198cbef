/** Who may read the metrics: the address and bearer-token check behind {@code /.patgate/metrics}. */
package org.patgate.server.metrics.internal;
