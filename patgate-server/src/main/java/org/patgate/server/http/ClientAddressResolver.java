package org.patgate.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.patgate.core.net.IpAddresses;
import org.patgate.core.net.IpRangeSet;

/**
 * Decides which address a request comes from. It is the socket peer, unless the peer is one of
 * the configured trusted proxies: then X-Forwarded-For is read right to left, skipping trusted
 * proxies, and the first untrusted address is the client (the left part of the header is
 * client-controlled and never believed). A malformed entry stops the walk at the last address we
 * could trust. Thread-safe.
 */
public final class ClientAddressResolver {

    private static final int MAX_HOPS = 20;

    private final IpRangeSet trustedProxies;

    public ClientAddressResolver(IpRangeSet trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public InetAddress resolve(SocketAddress peer, HttpFields headers) {
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address == null) {
            throw new IllegalStateException("request without an IP peer");
        }
        if (trustedProxies.isEmpty() || !trustedProxies.allows(address)) {
            return address;
        }
        List<String> hops = forwardedFor(headers);
        InetAddress client = address;
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            Optional<InetAddress> hop = IpAddresses.parseLiteral(stripPort(hops.get(i)));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get();
            if (!trustedProxies.allows(client)) {
                return client;
            }
        }
        return client;
    }

    private static List<String> forwardedFor(HttpFields headers) {
        List<String> hops = new ArrayList<>();
        for (HttpField field : headers.getFields(HttpHeader.X_FORWARDED_FOR)) {
            for (String part : field.getValue().split(",")) {
                String hop = part.strip();
                if (!hop.isEmpty()) {
                    hops.add(hop);
                }
            }
        }
        return hops;
    }

    /** "[2001:db8::1]:443" and "192.0.2.1:443" to the bare address; bare IPv6 stays as is. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }
}
