package org.patgate.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as written over a loopback socket and reads the answer until the server
 * closes — for requests no well-behaved client would send (duplicate headers, obs-fold, bare
 * lower-case methods, smuggling attempts). Bounded by timeouts.
 */
public final class RawHttp {

    private RawHttp() {}

    /** The status code and full text of an answer; status 0 when the server closed without one. */
    public record RawAnswer(int status, String text) {}

    public static RawAnswer send(URI base, String request) {
        return send(base, request, null);
    }

    /**
     * As {@link #send(URI, String)}, from the local address {@code from} (e.g. {@code 127.0.0.2}, to be a
     * peer other than {@code 127.0.0.1} on loopback), or from any address when null.
     */
    public static RawAnswer send(URI base, String request, InetAddress from) {
        return send(base, request, from, true);
    }

    /**
     * As {@link #send(URI, String, InetAddress)}; without {@code halfClose} the socket's output stays open
     * until the answer has been read (nginx takes a half-closed connection for a client that gave up
     * and answers nothing), so the request must say {@code Connection: close}.
     */
    public static RawAnswer send(URI base, String request, InetAddress from, boolean halfClose) {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && answer.size() < 1_000_000; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | SocketException e) {
                // keep what arrived
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            return new RawAnswer(parseStatus(text), text);
        } catch (IOException e) {
            throw new AssertionError("raw request failed: " + e, e);
        }
    }

    private static int parseStatus(String text) {
        if (!text.startsWith("HTTP/1.")) {
            return 0;
        }
        int space = text.indexOf(' ');
        try {
            return Integer.parseInt(text.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
