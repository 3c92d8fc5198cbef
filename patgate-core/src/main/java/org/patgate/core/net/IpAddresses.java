package org.patgate.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict IP literal parsing that never consults DNS. {@link InetAddress#getByName(String)}
 * resolves anything that is not a literal (and accepts forms like {@code 1.2.3} or octal
 * octets on some platforms); use this instead wherever text comes from configuration or clients.
 *
 * <p>Stateless and thread-safe.
 */
public final class IpAddresses {

    private IpAddresses() {}

    /**
     * The address written in {@code text}: dotted-quad IPv4 (no leading zeros) or IPv6 text
     * without zone id or brackets. An IPv4-mapped IPv6 literal ({@code ::ffff:a.b.c.d}) comes
     * back as the IPv4 address, as the JDK does. Empty for anything else, including null.
     */
    public static Optional<InetAddress> parseLiteral(String text) {
        if (text == null) {
            return Optional.empty();
        }
        byte[] bytes = new IpLiteralParser().parse(text, 0, text.length());
        return bytes == null ? Optional.empty() : Optional.of(fromBytes(bytes));
    }

    static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // no lookup: only wraps the bytes
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }

    /** Whether a 16-byte address is IPv4-mapped ({@code ::ffff:0:0/96}, RFC 4291 §2.5.5.2). */
    static boolean isIpv4Mapped(byte[] address) {
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }
}
