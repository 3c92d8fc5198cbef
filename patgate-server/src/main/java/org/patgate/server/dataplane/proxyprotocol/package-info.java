/**
 * The PROXY protocol (HAProxy's v1 text and v2 binary headers) at the front of the listener's
 * pipeline: who the client of a connection accepted from a load balancer is. {@link ProxyProtocolFront}
 * decides per connection, by the peer's address: a peer in {@code trustedProxies} must start with a
 * header of the configured version ({@link ProxyHeaderReader}, behind Netty's
 * {@code HAProxyMessageDecoder}), whose source address becomes the connection's client address
 * ({@link ProxiedClient}); any other peer is served with its socket address, and a PROXY header
 * from it is answered 400 and closed ({@link ProxyHeaderRefusal}). Must never believe a header from
 * an untrusted peer, never serve a trusted peer's connection without its header, and never pass a
 * header's bytes on as request data.
 *
 * <p>Floor: edge (like {@code gateway}): it may use the services and the foundation below it; only
 * the launch floor and the data plane's other packages may use it. Uses {@code config} and the
 * core's {@code net}.
 */
package org.patgate.server.dataplane.proxyprotocol;
