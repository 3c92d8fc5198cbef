/**
 * The Netty data plane ({@code listen.dataPlane: netty}): the public port, strict HTTP/1.1 parsing,
 * one exchange at a time per connection, routing of PATgate's own paths to its server behind a Unix
 * domain socket (with the client's address in a PROXY protocol header) and of everything else
 * through the gateway's decision ({@code gateway.GatewayGate}) to the upstream, over keep-alive
 * connections pooled per event loop, streaming both ways with back-pressure. {@link
 * org.patgate.server.dataplane.NettyDataPlane} is its entry point; {@code dataplane.internal} holds
 * the connection handlers nobody else uses. Must check every decoded message before forwarding any
 * byte of it, never forward what the gate refused, and answer with the same problem+json as the
 * Jetty data plane.
 *
 * <p>Floor: edge, like {@code gateway}: it may use {@code gateway}, {@code http}, {@code config}
 * and the floors below; only the launch floor may use it.
 */
package org.patgate.server.dataplane;
