package org.patgate.server.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as a load balancer writes them (HAProxy's proxy-protocol.txt), built
 * byte by byte here rather than with the codec under test, so that tests can act as a load
 * balancer in front of a listener.
 */
public final class ProxyHeaders {

    /** The v2 signature: {@code \r\n\r\n\0\r\nQUIT\n}. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static final int PP2_TYPE_SSL = 0x20;
    private static final int PP2_CLIENT_SSL = 0x01;

    private ProxyHeaders() {}

    /** {@code PROXY TCP4 src dst sport dport\r\n} (or {@code TCP6} for IPv6 addresses). */
    public static byte[] v1(String source, int sourcePort, String destination, int destinationPort) {
        String family = source.indexOf(':') >= 0 ? "TCP6" : "TCP4";
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort
                        + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code PROXY UNKNOWN\r\n}: the balancer does not know the client (or it is not TCP). */
    public static byte[] v1Unknown() {
        return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 {@code PROXY} header for TCP over IPv4 or IPv6. */
    public static byte[] v2(String source, int sourcePort, String destination, int destinationPort) {
        return v2(source, sourcePort, destination, destinationPort, false);
    }

    /** A v2 {@code PROXY} header, with an SSL TLV saying the client spoke TLS to the balancer when {@code tls}. */
    public static byte[] v2(String source, int sourcePort, String destination, int destinationPort, boolean tls) {
        byte[] src = address(source);
        byte[] dst = address(destination);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(src);
        body.writeBytes(dst);
        body.writeBytes(ByteBuffer.allocate(4)
                .putShort((short) sourcePort)
                .putShort((short) destinationPort)
                .array());
        if (tls) {
            // PP2_TYPE_SSL: client flags (1 byte), verify (4 bytes), no sub-TLVs.
            ByteBuffer ssl = ByteBuffer.allocate(1 + 4);
            ssl.put((byte) PP2_CLIENT_SSL).putInt(0);
            body.write(PP2_TYPE_SSL);
            body.writeBytes(ByteBuffer.allocate(2).putShort((short) 5).array());
            body.writeBytes(ssl.array());
        }
        // Version 2, command PROXY; family INET or INET6, transport STREAM.
        int family = src.length == 4 ? 0x11 : 0x21;
        return header(0x21, family, body.toByteArray());
    }

    /** A v2 {@code LOCAL} header: the balancer's own connection (a health check); no addresses. */
    public static byte[] v2Local() {
        return header(0x20, 0x00, new byte[0]);
    }

    private static byte[] header(int versionAndCommand, int family, byte[] body) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(V2_SIGNATURE);
        header.write(versionAndCommand);
        header.write(family);
        header.writeBytes(ByteBuffer.allocate(2).putShort((short) body.length).array());
        header.writeBytes(body);
        return header.toByteArray();
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
