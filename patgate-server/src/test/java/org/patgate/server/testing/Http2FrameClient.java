package org.patgate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;
import org.eclipse.jetty.http2.hpack.HpackException;

/**
 * Speaks HTTP/2 over cleartext prior knowledge (h2c) frame by frame on a plain socket, for header
 * blocks no HTTP/2 library will send: upper-case names, connection-specific fields, CR/LF/NUL in
 * values, missing or repeated pseudo-headers. The request's header block is HPACK literals without
 * indexing or Huffman coding, so every name and value goes on the wire exactly as given; the answer
 * is decoded with Jetty's HPACK decoder. One request (stream 1) per connection; bounded by a 5 s
 * read timeout and 64 frames.
 */
public final class Http2FrameClient {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;

    private Http2FrameClient() {}

    /**
     * How the server ended stream 1: an answer's {@code status}, or a {@code reset} (RST_STREAM) or
     * {@code goAway} (GOAWAY) with its error code, or neither when the connection just closed; an
     * answer's {@code contentType} (null when none or no answer).
     */
    public record Outcome(int status, boolean reset, boolean goAway, long errorCode, String contentType) {
        Outcome(int status, boolean reset, boolean goAway, long errorCode) {
            this(status, reset, goAway, errorCode, null);
        }

        public boolean refused() {
            return reset || goAway || status == 0 || (status >= 400 && status < 500);
        }

        @Override
        public String toString() {
            return reset
                    ? "RST_STREAM " + errorCode
                    : goAway ? "GOAWAY " + errorCode : status == 0 ? "closed" : "" + status;
        }
    }

    /**
     * Sends one request: {@code fields} in order (pseudo-headers included, as given), then
     * {@code body} in one DATA frame when not null, and reads until the stream's answer headers, a
     * reset of stream 1, GOAWAY or the end of the connection.
     */
    public static Outcome send(URI base, List<Map.Entry<String, String>> fields, String body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            for (Map.Entry<String, String> field : fields) {
                literal(block, field.getKey(), field.getValue());
            }
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(PREFACE);
            frame(wire, SETTINGS, 0, 0, new byte[0]);
            frame(wire, HEADERS, END_HEADERS | (body == null ? END_STREAM : 0), 1, block.toByteArray());
            if (body != null) {
                frame(wire, DATA, END_STREAM, 1, body.getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(wire.toByteArray());
            out.flush();
            return read(new DataInputStream(socket.getInputStream()), out);
        } catch (IOException e) {
            throw new AssertionError("h2c exchange with " + base + " failed: " + e, e);
        }
    }

    /**
     * Sends one request whose {@code bodyBytes} of body (zeros, in 16 KiB DATA frames, the last one
     * ending the stream) use the windows the server announced: its SETTINGS and its connection
     * WINDOW_UPDATE are read first, then the request and its body go in one write, and the settings are
     * acknowledged only after them, as a client may do (RFC 9113 §6.5.3 asks for the ACK, not for it
     * before anything else). Then reads as {@link #send}.
     */
    public static Outcome sendBodyBeforeSettingsAck(URI base, List<Map.Entry<String, String>> fields, int bodyBytes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            for (Map.Entry<String, String> field : fields) {
                literal(block, field.getKey(), field.getValue());
            }
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(PREFACE);
            frame(wire, SETTINGS, 0, 0, new byte[0]);
            out.write(wire.toByteArray());
            out.flush();
            long streamWindow = 65_535;
            long connectionWindow = 65_535;
            boolean settings = false;
            boolean widened = false;
            for (int frames = 0; frames < 16 && !(settings && widened); frames++) {
                int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                ByteBuffer payload = ByteBuffer.wrap(in.readNBytes(length));
                if (type == SETTINGS && (flags & ACK) == 0) {
                    settings = true;
                    while (payload.remaining() >= 6) {
                        int id = payload.getShort() & 0xffff;
                        long value = payload.getInt() & 0xffffffffL;
                        if (id == 0x4) { // SETTINGS_INITIAL_WINDOW_SIZE
                            streamWindow = value;
                        }
                    }
                } else if (type == WINDOW_UPDATE && stream == 0) {
                    widened = true;
                    connectionWindow += payload.getInt() & 0x7fffffffL;
                }
            }
            if (bodyBytes > Math.min(streamWindow, connectionWindow)) {
                throw new AssertionError("the server announced windows of " + streamWindow + " (stream) and "
                        + connectionWindow + " (connection) bytes, less than the body's " + bodyBytes);
            }
            // The request and its whole body in one write, so they reach the server together.
            wire.reset();
            frame(wire, HEADERS, END_HEADERS, 1, block.toByteArray());
            for (int sent = 0; sent < bodyBytes; ) {
                int piece = Math.min(16 * 1024, bodyBytes - sent);
                sent += piece;
                frame(wire, DATA, sent == bodyBytes ? END_STREAM : 0, 1, new byte[piece]);
            }
            frame(wire, SETTINGS, ACK, 0, new byte[0]);
            out.write(wire.toByteArray());
            out.flush();
            return read(in, out);
        } catch (IOException e) {
            throw new AssertionError("h2c exchange with " + base + " failed: " + e, e);
        }
    }

    private static Outcome read(DataInputStream in, OutputStream out) throws IOException {
        HpackDecoder decoder = new HpackDecoder(64 * 1024, System::nanoTime);
        try {
            for (int frames = 0; frames < 64; frames++) {
                int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    return new Outcome(0, false, false, 0);
                }
                if (type == SETTINGS && (flags & ACK) == 0) {
                    frame(out, SETTINGS, ACK, 0, new byte[0]);
                    out.flush();
                } else if (type == RST_STREAM && stream == 1) {
                    return new Outcome(0, true, false, ByteBuffer.wrap(payload).getInt() & 0xffffffffL);
                } else if (type == GOAWAY) {
                    return new Outcome(
                            0, false, true, ByteBuffer.wrap(payload, 4, 4).getInt() & 0xffffffffL);
                } else if (type == HEADERS && stream == 1) {
                    // Neither PADDED nor PRIORITY is set by the servers under test; refuse to guess if they are.
                    if ((flags & 0x28) != 0) {
                        throw new AssertionError("padded or prioritised answer headers are not decoded here");
                    }
                    MetaData answer = decoder.decode(ByteBuffer.wrap(payload));
                    if (answer instanceof MetaData.Response response) {
                        return new Outcome(
                                response.getStatus(),
                                false,
                                false,
                                0,
                                response.getHttpFields().get("content-type"));
                    }
                }
            }
            throw new AssertionError("no answer for stream 1 within 64 frames");
        } catch (EOFException | SocketException | SocketTimeoutException e) {
            return new Outcome(0, false, false, 0);
        } catch (HpackException e) {
            throw new AssertionError("undecodable answer headers: " + e, e);
        }
    }

    /** RFC 7541 §6.2.2: literal header field without indexing, new name, no Huffman coding. */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        integer(block, bytes.length);
        block.writeBytes(bytes);
    }

    /** RFC 7541 §5.1 with a 7-bit prefix and the H bit clear. */
    private static void integer(ByteArrayOutputStream block, int value) {
        if (value < 127) {
            block.write(value);
            return;
        }
        block.write(127);
        int rest = value - 127;
        while (rest >= 128) {
            block.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        block.write(rest);
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(new byte[] {
            (byte) (payload.length >>> 16),
            (byte) (payload.length >>> 8),
            (byte) payload.length,
            (byte) type,
            (byte) flags,
            (byte) (stream >>> 24),
            (byte) (stream >>> 16),
            (byte) (stream >>> 8),
            (byte) stream
        });
        out.write(payload);
    }
}
