/**
 * The Netty data plane's inner parts: the strict request decoder, the per-connection exchange
 * handling ({@code ClientConnection}, {@code GatewayExchange}, {@code UpstreamForward}), the
 * upstream connection pool, the relay to PATgate's own server and the answers it writes. Used only
 * by {@code dataplane}.
 */
package org.patgate.server.dataplane.internal;
