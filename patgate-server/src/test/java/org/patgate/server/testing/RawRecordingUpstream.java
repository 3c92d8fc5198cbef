package org.patgate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream that keeps every byte of every request it receives: request line, headers, body and
 * chunked trailers, exactly as they arrived on the socket. For tests that must prove a secret never
 * reached the upstream in any form. Answers each request with 200 and closes the connection.
 * Bounded: one request per connection, 10 s read timeout, 1 MiB per request.
 */
public final class RawRecordingUpstream implements AutoCloseable {

    private static final int MAX_BYTES = 1 << 20;

    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RawRecordingUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("raw-upstream").start(this::acceptLoop);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Every request received so far, as ISO-8859-1 text of its raw bytes. */
    public List<String> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            String head = readUntilBlankLine(in, raw);
            if (head == null) {
                return;
            }
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("\r\ntransfer-encoding: chunked")) {
                while (true) {
                    String sizeLine = readLine(in, raw);
                    int size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
                    if (size == 0) {
                        readUntilBlankLine(in, raw); // trailers
                        break;
                    }
                    copy(in, raw, size + 2);
                }
            } else {
                int at = lower.indexOf("\r\ncontent-length:");
                if (at >= 0) {
                    int end = lower.indexOf("\r\n", at + 2);
                    copy(in, raw, Integer.parseInt(lower.substring(at + 17, end).strip()));
                }
            }
            received.add(raw.toString(StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            out.write(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // a broken request is simply not recorded as complete; tests look at what did arrive
        }
    }

    private static String readUntilBlankLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            String line = readLine(in, raw);
            if (line == null) {
                return null;
            }
            text.append(line).append("\r\n");
            if (line.isEmpty()) {
                return text.toString();
            }
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            raw.write(c);
            if (raw.size() > MAX_BYTES) {
                throw new IOException("request too large");
            }
            if (c == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    private static void copy(InputStream in, ByteArrayOutputStream raw, int count) throws IOException {
        if (raw.size() + count > MAX_BYTES) {
            throw new IOException("request too large");
        }
        raw.write(in.readNBytes(count));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
