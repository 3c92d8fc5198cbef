package org.patgate.server.gateway;

import java.net.InetAddress;

/**
 * What the gateway decided for a request it forwards, handed from {@link GatewayHandler} to
 * {@link UpstreamProxy} as a request attribute: the checked method and path to send upstream (so the
 * upstream acts on exactly what was checked), the query as it goes upstream, who the caller is, and
 * where they come from.
 */
record ForwardPlan(
        GatewayDecision.Forward decision,
        String method,
        String encodedPath,
        String query,
        InetAddress client,
        long startNanos) {

    static final String ATTRIBUTE = ForwardPlan.class.getName();
}
