package org.patgate.core.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One CIDR block, IPv4 or IPv6, such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. A bare
 * address is a single-host range ({@code /32} or {@code /128}).
 *
 * <p>Parsing is strict and literal: host names are never resolved, host bits must be zero,
 * IPv4 octets have no leading zeros, zone ids are refused. IPv4 clients that arrive as
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}, common on dual-stack sockets) are
 * matched against IPv4 ranges; an IPv6 range never matches an IPv4 client, so {@code ::/0}
 * means "every IPv6 client", not "everyone". For the same reason ranges inside the mapped block
 * ({@code ::ffff:0:0/96} and longer prefixes) are refused in favour of their IPv4 spelling.
 *
 * <p>Immutable and thread-safe; equality and {@link #toString()} use the canonical CIDR
 * (RFC 5952 for IPv6).
 */
public final class IpRange {

    private final boolean ipv6;
    private final int prefixLength;
    // The network as 128 bits (IPv4 uses the low 32 bits of lo) and the matching masks.
    private final long hi;
    private final long lo;
    private final long hiMask;
    private final long loMask;

    private IpRange(byte[] network, int prefixLength) {
        this.ipv6 = network.length == 16;
        this.prefixLength = prefixLength;
        if (ipv6) {
            this.hiMask = mask(Math.min(prefixLength, 64), 64);
            this.loMask = mask(Math.max(prefixLength - 64, 0), 64);
            this.hi = toLong(network, 0, 8) & hiMask;
            this.lo = toLong(network, 8, 8) & loMask;
        } else {
            this.hiMask = 0;
            this.loMask = mask(prefixLength, 32);
            this.hi = 0;
            this.lo = toLong(network, 0, 4) & loMask;
        }
    }

    /**
     * Parses {@code address/prefixLength} or a bare address.
     *
     * @throws InvalidIpRangeException naming the value and the broken rule
     */
    public static IpRange parse(String cidr) {
        if (cidr == null || cidr.isEmpty()) {
            throw new InvalidIpRangeException("empty IP range: expected CIDR such as 10.0.0.0/8 or 2001:db8::/32");
        }
        int slash = cidr.indexOf('/');
        int addressEnd = slash < 0 ? cidr.length() : slash;
        if (slash == 0) {
            throw invalid(cidr, "missing address before '/'");
        }
        IpLiteralParser parser = new IpLiteralParser();
        byte[] address = parser.parse(cidr, 0, addressEnd);
        if (address == null) {
            throw invalid(cidr, parser.error());
        }
        int maxPrefix = address.length * 8;
        int prefixLength = slash < 0 ? maxPrefix : parsePrefixLength(cidr, slash + 1, maxPrefix);
        if (IpAddresses.isIpv4Mapped(address) && prefixLength >= 96) {
            byte[] v4 = Arrays.copyOfRange(address, 12, 16);
            String hint = withHostBitsCleared(v4, prefixLength - 96);
            throw invalid(
                    cidr,
                    "IPv4-mapped IPv6 ranges are not accepted: write the IPv4 range " + hint
                            + " (IPv4-mapped clients are matched against IPv4 ranges)");
        }
        IpRange range = new IpRange(address, prefixLength);
        if (!range.hasNoHostBits(address)) {
            throw invalid(cidr, "host bits set: did you mean " + withHostBitsCleared(address, prefixLength) + "?");
        }
        return range;
    }

    private static int parsePrefixLength(String cidr, int from, int maxPrefix) {
        int length = cidr.length() - from;
        if (length == 0) {
            throw invalid(cidr, "missing prefix length after '/'");
        }
        for (int i = from; i < cidr.length(); i++) {
            char c = cidr.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(cidr, "prefix length must be a decimal number 0.." + maxPrefix);
            }
        }
        if (length > 1 && cidr.charAt(from) == '0') {
            throw invalid(cidr, "leading zero in prefix length");
        }
        if (length > 3 || Integer.parseInt(cidr, from, cidr.length(), 10) > maxPrefix) {
            throw invalid(cidr, "prefix length out of range 0.." + maxPrefix);
        }
        return Integer.parseInt(cidr, from, cidr.length(), 10);
    }

    private static InvalidIpRangeException invalid(String cidr, String reason) {
        return new InvalidIpRangeException("invalid IP range '" + cidr + "': " + reason);
    }

    /**
     * Whether {@code address} lies in this range. IPv4-mapped IPv6 addresses count as their
     * IPv4 address; families otherwise never mix. Null is never contained.
     */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        return containsBytes(address.getAddress());
    }

    boolean containsBytes(byte[] bytes) {
        if (bytes.length == 16 && IpAddresses.isIpv4Mapped(bytes)) {
            return !ipv6 && (toLong(bytes, 12, 4) & loMask) == lo;
        }
        if (bytes.length == 16) {
            return ipv6 && (toLong(bytes, 0, 8) & hiMask) == hi && (toLong(bytes, 8, 8) & loMask) == lo;
        }
        return bytes.length == 4 && !ipv6 && (toLong(bytes, 0, 4) & loMask) == lo;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    private boolean hasNoHostBits(byte[] address) {
        return ipv6 ? toLong(address, 0, 8) == hi && toLong(address, 8, 8) == lo : toLong(address, 0, 4) == lo;
    }

    private static String withHostBitsCleared(byte[] address, int prefix) {
        byte[] network = address.clone();
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return format(network) + "/" + prefix;
    }

    private static long toLong(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            value = value << 8 | (bytes[i] & 0xFF);
        }
        return value;
    }

    /** The top {@code bits} of a {@code width}-bit field set. */
    private static long mask(int bits, int width) {
        if (bits == 0) {
            return 0;
        }
        long all = width == 64 ? -1L : (1L << width) - 1;
        return all & (-1L << (width - bits));
    }

    private byte[] networkBytes() {
        byte[] out = new byte[ipv6 ? 16 : 4];
        if (ipv6) {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (hi >>> (56 - 8 * i));
                out[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        } else {
            for (int i = 0; i < 4; i++) {
                out[i] = (byte) (lo >>> (24 - 8 * i));
            }
        }
        return out;
    }

    /** Canonical text of an address: dotted quad, or RFC 5952 IPv6. */
    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "."
                    + (address[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xFF) << 8 | (address[2 * i + 1] & 0xFF);
        }
        // RFC 5952 §4.2: compress the longest run (leftmost on a tie) of two or more zero groups.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRange that
                && ipv6 == that.ipv6
                && prefixLength == that.prefixLength
                && hi == that.hi
                && lo == that.lo;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv6, prefixLength, hi, lo);
    }

    /** Canonical CIDR, always with the prefix length ({@code 192.0.2.7/32}). */
    @Override
    public String toString() {
        return format(networkBytes()) + "/" + prefixLength;
    }
}
