package org.patgate.core.net;

/**
 * Strict IP literal parser: dotted-quad IPv4 without leading zeros, RFC 4291 IPv6 text (with an
 * optional trailing dotted quad), nothing else. No zone ids, no brackets, no whitespace, no
 * octal/hex/short IPv4 forms, and never a name lookup: anything that is not a literal is refused
 * so that configuration cannot silently depend on DNS.
 *
 * <p>Reports failure by returning null and leaving a reason in {@link #error()}, not by
 * throwing, because it also parses untrusted client input. One instance per parse.
 */
final class IpLiteralParser {

    private String error;

    /** Why the last {@link #parse} returned null. */
    String error() {
        return error;
    }

    /** The 4 or 16 address bytes of {@code text[from, to)}, or null (see {@link #error()}). */
    byte[] parse(String text, int from, int to) {
        if (from >= to) {
            return fail("empty address");
        }
        boolean colon = false;
        boolean dotsAndDigitsOnly = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c == '%') {
                return fail("zone ids ('%...') are not allowed: write the address without '%' and what follows");
            } else if (Character.isWhitespace(c)) {
                return fail("whitespace is not allowed");
            } else if (c != '.' && (c < '0' || c > '9')) {
                dotsAndDigitsOnly = false;
            }
        }
        if (colon) {
            return parseIpv6(text, from, to);
        }
        if (!dotsAndDigitsOnly) {
            return fail("not an IP address literal (host names are never resolved)");
        }
        byte[] out = new byte[4];
        return parseIpv4(text, from, to, out, 0) ? out : null;
    }

    private boolean parseIpv4(String text, int from, int to, byte[] out, int offset) {
        int octet = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    error = "not an IPv4 address: '" + c + "' is not a digit";
                    return false;
                }
                continue;
            }
            if (octet == 4) {
                error = "an IPv4 address has exactly 4 dot-separated octets, found more";
                return false;
            }
            int digits = i - start;
            if (digits == 0) {
                error = "empty IPv4 octet";
                return false;
            }
            if (digits > 1 && text.charAt(start) == '0') {
                error = "leading zero in IPv4 octet '" + text.substring(start, i)
                        + "' (refused: some parsers read it as octal)";
                return false;
            }
            if (digits > 3) {
                error = "IPv4 octet '" + text.substring(start, i) + "' out of range 0..255";
                return false;
            }
            int value = Integer.parseInt(text, start, i, 10);
            if (value > 255) {
                error = "IPv4 octet " + value + " out of range 0..255";
                return false;
            }
            out[offset + octet++] = (byte) value;
            start = i + 1;
        }
        if (octet != 4) {
            error = "an IPv4 address has exactly 4 dot-separated octets, found " + octet;
            return false;
        }
        return true;
    }

    private byte[] parseIpv6(String text, int from, int to) {
        byte[] out = new byte[16];
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int i = from;
        if (text.startsWith("::", from)) {
            gap = 0;
            i += 2;
            if (i == to) {
                return out; // "::"
            }
        } else if (text.charAt(from) == ':') {
            return fail("IPv6 address cannot start with a single ':'");
        }
        while (i < to) {
            int start = i;
            while (i < to && text.charAt(i) != ':') {
                i++;
            }
            if (start == i) {
                return fail(gap >= 0 ? "IPv6 address has more than one '::'" : "empty IPv6 group");
            }
            if (text.indexOf('.', start) >= 0 && text.indexOf('.', start) < i) {
                if (i != to) {
                    return fail("an embedded IPv4 address must be the last part of an IPv6 address");
                }
                if (count > 6) {
                    return fail("IPv6 address has too many groups");
                }
                byte[] v4 = new byte[4];
                if (!parseIpv4(text, start, i, v4, 0)) {
                    return null;
                }
                groups[count++] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
                groups[count++] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
                break;
            }
            if (i - start > 4) {
                return fail("IPv6 group '" + text.substring(start, i) + "' has more than 4 hex digits");
            }
            int value = 0;
            for (int k = start; k < i; k++) {
                int digit = Character.digit(text.charAt(k), 16);
                if (digit < 0 || text.charAt(k) > 'f') {
                    return fail("'" + text.charAt(k) + "' is not a hex digit in IPv6 group '" + text.substring(start, i)
                            + "'");
                }
                value = value << 4 | digit;
            }
            if (count == 8) {
                return fail("IPv6 address has more than 8 groups");
            }
            groups[count++] = value;
            if (i == to) {
                break;
            }
            i++; // skip ':'
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return fail("IPv6 address has more than one '::'");
                }
                gap = count;
                i++;
            } else if (i == to) {
                return fail("IPv6 address cannot end with a single ':'");
            }
        }
        if (gap < 0 && count != 8) {
            return fail("IPv6 address has " + count + " groups, needs 8 (or '::' for a run of zero groups)");
        }
        if (gap >= 0 && count > 7) {
            return fail("IPv6 address has '::' but already 8 groups");
        }
        int shift = 8 - count;
        for (int g = 0; g < count; g++) {
            int position = gap >= 0 && g >= gap ? g + shift : g;
            out[2 * position] = (byte) (groups[g] >>> 8);
            out[2 * position + 1] = (byte) groups[g];
        }
        return out;
    }

    private byte[] fail(String reason) {
        error = reason;
        return null;
    }
}
