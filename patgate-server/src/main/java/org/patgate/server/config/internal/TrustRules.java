package org.patgate.server.config.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.patgate.server.config.ConfigException;

/**
 * The rules that keep configuration from handing identity to the client: which header may carry
 * the caller's identity to the upstream ({@code identity.header}) and how wide a trusted proxy range
 * may be ({@code trustedProxies}). Each rule throws a {@link ConfigException} with the reason only;
 * the caller adds the key. Stateless and thread-safe.
 */
public final class TrustRules {

    /** Widest trusted proxy range: a private IPv4 /8 network; the same for IPv4 embedded in IPv6. */
    static final int MIN_IPV4_PREFIX = 8;
    /** Widest trusted IPv6 proxy range: one organisation's allocation. */
    static final int MIN_IPV6_PREFIX = 32;

    private static final String CLIENT_OR_TRANSPORT = "it carries the client's or the connection's identity";
    private static final String CREDENTIALS = "it carries the client's credentials";
    private static final String FRAMING = "it frames or routes the message (RFC 9110 §7.6.1 hop-by-hop, RFC 9112 §6)";
    private static final String REWRITE = "upstreams use it to rewrite the request's path or method";

    /** Header keys (lower case, '_' and '.' as '-') that must never carry the identity, with the reason. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("host", CLIENT_OR_TRANSPORT + " and the gateway writes it"),
            Map.entry("forwarded", CLIENT_OR_TRANSPORT + " and the gateway writes it"),
            Map.entry("via", CLIENT_OR_TRANSPORT + " and the gateway writes it"),
            Map.entry("x-real-ip", CLIENT_OR_TRANSPORT),
            Map.entry("x-client-ip", CLIENT_OR_TRANSPORT),
            Map.entry("client-ip", CLIENT_OR_TRANSPORT),
            Map.entry("true-client-ip", CLIENT_OR_TRANSPORT),
            Map.entry("cf-connecting-ip", CLIENT_OR_TRANSPORT),
            Map.entry("fastly-client-ip", CLIENT_OR_TRANSPORT),
            Map.entry("x-cluster-client-ip", CLIENT_OR_TRANSPORT),
            Map.entry("x-originating-ip", CLIENT_OR_TRANSPORT),
            Map.entry("authorization", CREDENTIALS),
            Map.entry("proxy-authorization", CREDENTIALS),
            Map.entry("cookie", CREDENTIALS),
            Map.entry("content-length", FRAMING),
            Map.entry("content-type", FRAMING),
            Map.entry("content-encoding", FRAMING),
            Map.entry("transfer-encoding", FRAMING),
            Map.entry("connection", FRAMING),
            Map.entry("keep-alive", FRAMING),
            Map.entry("proxy-connection", FRAMING),
            Map.entry("proxy-authenticate", FRAMING),
            Map.entry("te", FRAMING),
            Map.entry("trailer", FRAMING),
            Map.entry("upgrade", FRAMING),
            Map.entry("http2-settings", FRAMING),
            Map.entry("expect", FRAMING),
            Map.entry("x-original-url", REWRITE),
            Map.entry("x-rewrite-url", REWRITE),
            Map.entry("x-original-uri", REWRITE),
            Map.entry("x-http-method-override", REWRITE),
            Map.entry("x-http-method", REWRITE),
            Map.entry("x-method-override", REWRITE));

    /**
     * {@code X-Forwarded-*} names that conventionally carry an authenticated user (oauth2-proxy,
     * Grafana, Gitea): the gateway neither writes nor forwards them, except as the identity header,
     * whose client-sent copies it removes in every spelling. Every other {@code X-Forwarded-*} is refused.
     */
    private static final List<String> IDENTITY_CONVENTIONS =
            List.of("x-forwarded-user", "x-forwarded-email", "x-forwarded-preferred-username");

    /** Address blocks that embed every IPv4 address: a range as wide as the block trusts the IPv4 Internet. */
    private record Embedding(String name, byte[] block, int blockPrefix, int ipv4Offset) {}

    private static final List<Embedding> EMBEDDINGS = List.of(
            new Embedding("IPv4-mapped ::ffff:0:0/96", CidrSyntax.parseAddress("::ffff:0:0"), 96, 96),
            new Embedding("NAT64 64:ff9b::/96", CidrSyntax.parseAddress("64:ff9b::"), 96, 96),
            new Embedding("6to4 2002::/16", CidrSyntax.parseAddress("2002::"), 16, 16),
            new Embedding("Teredo 2001::/32", CidrSyntax.parseAddress("2001::"), 32, 96));

    private TrustRules() {}

    /** RFC 9110 §5.6.2 token, and not a header that carries client, transport or credential identity. */
    public static void identityHeader(String header) {
        if (!header.matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+")) {
            throw new ConfigException("must be a valid HTTP header name (RFC 9110 token)");
        }
        // Lenient upstreams map '_' and '.' to '-' and ignore case (X_Forwarded_For is X-Forwarded-For).
        String key = header.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
        String reason = REFUSED.get(key);
        if (reason == null && key.startsWith("x-forwarded") && !IDENTITY_CONVENTIONS.contains(key)) {
            reason = CLIENT_OR_TRANSPORT + " and the gateway writes or forwards X-Forwarded-*";
        }
        if (reason != null) {
            throw new ConfigException("must not be a header the gateway itself relies on: " + reason);
        }
    }

    /**
     * A CIDR range (see {@link CidrSyntax}) no wider than an IPv4 /8 or an IPv6 /32: a trusted proxy
     * may set the client address PATgate believes, so a range covering everyone ({@code 0.0.0.0/0},
     * {@code ::/0}, two /1 halves, all IPv4-mapped or NAT64 addresses) would let every client choose
     * its own address and walk past IP limits and login throttling.
     */
    public static void trustedProxy(String cidr) {
        CidrSyntax.checkSyntax(cidr);
        int slash = cidr.indexOf('/');
        byte[] address = CidrSyntax.parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        String wide = "is too wide for a trusted proxy: every client inside it can set the address PATgate believes;"
                + " list your proxies' own addresses or subnets";
        if (address.length == 4 && prefix < MIN_IPV4_PREFIX) {
            throw new ConfigException(wide + " (at most /" + MIN_IPV4_PREFIX + " for IPv4)");
        }
        if (address.length == 16 && prefix < MIN_IPV6_PREFIX) {
            throw new ConfigException(wide + " (at most /" + MIN_IPV6_PREFIX + " for IPv6)");
        }
        for (Embedding embedding : EMBEDDINGS) {
            int common = Math.min(prefix, embedding.blockPrefix());
            if (samePrefix(address, embedding.block(), common) && prefix - embedding.ipv4Offset() < MIN_IPV4_PREFIX) {
                throw new ConfigException(wide + " (inside " + embedding.name() + " it stands for IPv4 addresses:"
                        + " at most the equivalent of an IPv4 /" + MIN_IPV4_PREFIX + ")");
            }
        }
        CidrSyntax.check(cidr);
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int bit = 0; bit < bits; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
