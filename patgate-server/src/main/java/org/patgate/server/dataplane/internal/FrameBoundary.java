package org.patgate.server.dataplane.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the WebSocket frames (RFC 6455 §5.2) of one direction of a tunnel begin and end, from the
 * bytes relayed, which it reads without changing: so a close frame of PATgate's own can go between two
 * frames, never inside one. Reads only each frame's header and skips its payload (extensions such as
 * compression change payloads, not headers). Bytes that are no WebSocket frame make it give up for
 * good ({@link #atBoundary} false from then on). Used on one event loop.
 */
final class FrameBoundary {

    /** Close status 1008: the endpoint's policy no longer allows the connection. */
    static final int POLICY_VIOLATION = 1008;

    private static final int MAX_REASON_BYTES = 123;

    private final byte[] header = new byte[14];
    private int headerRead;
    private long payloadLeft;
    private boolean lost;

    /** Follows {@code bytes} (readable part, not consumed). */
    void saw(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end && !lost) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, end - at);
                payloadLeft -= skip;
                at += (int) skip;
                continue;
            }
            header[headerRead++] = bytes.getByte(at++);
            int needed = headerLength();
            if (needed > 0 && headerRead == needed) {
                payloadLeft = payloadLength();
                headerRead = 0;
                lost = payloadLeft < 0;
            }
        }
    }

    /** Something that is not a byte stream of frames went by. */
    void lose() {
        lost = true;
    }

    /** Whether the next byte would begin a frame. */
    boolean atBoundary() {
        return !lost && headerRead == 0 && payloadLeft == 0;
    }

    /** The whole header's length once known from what was read, else 0. */
    private int headerLength() {
        if (headerRead < 2) {
            return 0;
        }
        int length = header[1] & 0x7f;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + mask;
    }

    private long payloadLength() {
        int length = header[1] & 0x7f;
        if (length < 126) {
            return length;
        }
        long value = 0;
        int bytes = length == 126 ? 2 : 8;
        for (int i = 0; i < bytes; i++) {
            value = (value << 8) | (header[2 + i] & 0xff);
        }
        return value; // negative (top bit set) is no valid frame
    }

    /**
     * A close frame with status {@link #POLICY_VIOLATION} and {@code reason} (cut to what a control
     * frame may carry), masked as a client's frame must be when {@code masked}.
     */
    static ByteBuf policyClose(String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_REASON_BYTES) {
            text = "policy violation".getBytes(StandardCharsets.UTF_8);
        }
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (POLICY_VIOLATION >> 8);
        payload[1] = (byte) POLICY_VIOLATION;
        System.arraycopy(text, 0, payload, 2, text.length);
        ByteBuf frame = Unpooled.buffer(2 + (masked ? 4 : 0) + payload.length);
        frame.writeByte(0x88); // FIN, opcode close
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.writeByte(0x80 | payload.length);
            frame.writeBytes(key);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        } else {
            frame.writeByte(payload.length);
        }
        frame.writeBytes(payload);
        return frame;
    }
}
