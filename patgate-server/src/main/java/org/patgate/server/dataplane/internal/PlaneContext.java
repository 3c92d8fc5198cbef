package org.patgate.server.dataplane.internal;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.patgate.server.config.LimitsConfig;
import org.patgate.server.gateway.ExchangeBudget;
import org.patgate.server.gateway.ExternalCheck;
import org.patgate.server.gateway.GatewayGate;
import org.patgate.server.gateway.OpenUpgrades;

/**
 * What every client connection of one data plane shares: the gateway's decision, the exchange
 * budget, the upstream connection pool, where PATgate's own server listens (a Unix domain socket,
 * reached through {@code managementLoops}), the upstream's path prefix and the body-rate limits.
 * Immutable; its parts are thread-safe.
 *
 * @param upstreamPathPrefix the upstream URL's path without a trailing slash ("" for none)
 * @param clientIdle         how long a client connection may sit between requests
 * @param slowBodiesCut      counts request bodies cut for arriving too slowly
 * @param check              answers proxies' check requests ({@code /.patgate/check})
 * @param upgrades           the WebSockets open now, decided again while they are
 */
public record PlaneContext(
        GatewayGate gate,
        ExchangeBudget budget,
        UpstreamPool pool,
        EventLoopGroup managementLoops,
        Path managementSocket,
        String upstreamPathPrefix,
        LimitsConfig limits,
        Duration clientIdle,
        LongAdder slowBodiesCut,
        ExternalCheck check,
        OpenUpgrades upgrades) {}
