package org.patgate.server.config.internal;

import org.patgate.core.net.InvalidIpRangeException;
import org.patgate.core.net.IpRange;
import org.patgate.server.config.ConfigException;

/**
 * Strict syntax check for IP addresses and CIDR ranges in the configuration: dotted-quad IPv4
 * without leading zeros, RFC 4291 IPv6 text (no zone, no brackets), a decimal prefix within the
 * family's range and no host bits set. Host names are refused: trust must not depend on DNS.
 */
public final class CidrSyntax {

    private CidrSyntax() {}

    /**
     * Checks {@code cidr} ("10.0.0.0/8", "::1", "2001:db8::/32") as the gateway will match it; throws
     * with the reason. IPv4-mapped IPv6 ranges are refused in favour of their IPv4 spelling (the
     * gateway matches IPv4-mapped clients against IPv4 ranges), so no value passes here that the
     * node would refuse only later, after it has created its data.
     */
    public static void check(String cidr) {
        checkSyntax(cidr);
        int slash = cidr.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        if (isIpv4Mapped(address) && prefix >= 96) {
            throw new ConfigException("IPv4-mapped IPv6 ranges are not accepted: write the IPv4 form "
                    + (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "."
                    + (address[15] & 0xff) + "/" + (prefix - 96));
        }
        try {
            IpRange.parse(cidr);
        } catch (InvalidIpRangeException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static boolean isIpv4Mapped(byte[] address) {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The syntax of {@link #check} only: address, prefix range and no host bits. */
    public static void checkSyntax(String cidr) {
        int slash = cidr.indexOf('/');
        String addressText = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] address = parseAddress(addressText);
        if (slash < 0) {
            return;
        }
        String prefixText = cidr.substring(slash + 1);
        int maxPrefix = address.length * 8;
        if (!prefixText.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(prefixText) > maxPrefix) {
            throw new ConfigException(
                    "prefix length must be 0.." + maxPrefix + " for " + (address.length == 4 ? "IPv4" : "IPv6"));
        }
        int prefix = Integer.parseInt(prefixText);
        for (int bit = prefix; bit < maxPrefix; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new ConfigException("has bits set after the /" + prefix + " prefix; write the network address");
            }
        }
    }

    /** Parses an IPv4 or IPv6 literal into 4 or 16 bytes; throws with the reason. */
    public static byte[] parseAddress(String text) {
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        if (text.matches("[0-9.]+")) {
            return parseIpv4(text);
        }
        throw new ConfigException("must be an IP address or CIDR range, not a host name");
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new ConfigException("must be an IPv4 address with four parts");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            // Leading zeros are refused: some parsers read "010" as octal 8.
            if (!parts[i].matches("0|[1-9]\\d{0,2}") || Integer.parseInt(parts[i]) > 255) {
                throw new ConfigException("must be an IPv4 address with parts 0..255 and no leading zeros");
            }
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    private static byte[] parseIpv6(String text) {
        String invalid = "must be a valid IPv6 address";
        if (!text.matches("[0-9A-Fa-f:.]+")) {
            throw new ConfigException(invalid + " (no zone id, no brackets)");
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new ConfigException(invalid + " ('::' may appear once)");
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] headGroups = groups(head, gap < 0 || tail.isEmpty(), invalid);
        int[] tailGroups = groups(tail, true, invalid);
        int total = headGroups.length + tailGroups.length;
        if (gap < 0 ? total != 8 : total > 7) {
            throw new ConfigException(invalid + " (wrong number of groups)");
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            put(bytes, i, headGroups[i]);
        }
        for (int i = 0; i < tailGroups.length; i++) {
            put(bytes, 8 - tailGroups.length + i, tailGroups[i]);
        }
        return bytes;
    }

    /** Hex groups of one side of "::"; an embedded IPv4 address may end the address (two groups). */
    private static int[] groups(String part, boolean mayEndWithIpv4, String invalid) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] texts = part.split(":", -1);
        String last = texts[texts.length - 1];
        boolean ipv4 = last.contains(".");
        if (ipv4 && !mayEndWithIpv4) {
            throw new ConfigException(invalid + " (embedded IPv4 only at the end)");
        }
        int[] result = new int[texts.length + (ipv4 ? 1 : 0)];
        for (int i = 0; i < texts.length - (ipv4 ? 1 : 0); i++) {
            if (!texts[i].matches("[0-9A-Fa-f]{1,4}")) {
                throw new ConfigException(invalid);
            }
            result[i] = Integer.parseInt(texts[i], 16);
        }
        if (ipv4) {
            byte[] v4 = parseIpv4(last);
            result[result.length - 2] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
            result[result.length - 1] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
        }
        return result;
    }

    private static void put(byte[] bytes, int group, int value) {
        bytes[group * 2] = (byte) (value >>> 8);
        bytes[group * 2 + 1] = (byte) value;
    }
}
