package org.patgate.server.framing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes bytes exactly as given to a gateway over one loopback connection, half-closes it, and
 * reads every answer until the gateway closes: the client side of the framing tests. Bounded by
 * a 5 s read timeout and 1 MB of answer.
 */
final class Wire {

    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3})[ \\r]");

    private Wire() {}

    /** The final (non-1xx) statuses in the order they came, and the whole answer as ISO-8859-1 text. */
    record Reply(List<Integer> statuses, String text) {

        /** The first final status, or 0 when the gateway closed without answering (or not in HTTP/1). */
        int status() {
            return statuses.isEmpty() ? 0 : statuses.getFirst();
        }

        @Override
        public String toString() {
            return statuses.isEmpty() ? "closed" : statuses.toString();
        }
    }

    static Reply send(URI base, String request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.shutdownOutput();
            } catch (SocketException e) {
                // the gateway refused and closed before taking everything: read what it said
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
            List<Integer> statuses = new ArrayList<>();
            Matcher matcher = STATUS_LINE.matcher(text);
            while (matcher.find()) {
                int status = Integer.parseInt(matcher.group(1));
                if (status >= 200) {
                    statuses.add(status);
                }
            }
            return new Reply(List.copyOf(statuses), text);
        } catch (IOException e) {
            throw new AssertionError("raw exchange with " + base + " failed: " + e, e);
        }
    }
}
