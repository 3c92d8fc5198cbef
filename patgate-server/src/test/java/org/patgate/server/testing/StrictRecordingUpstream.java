package org.patgate.server.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that keeps serving keep-alive connections and frames every request <em>strictly by
 * itself</em> (RFC 9112: CRLF only, no obs-fold, one Content-Length of digits or exactly
 * {@code Transfer-Encoding: chunked}, hex chunk sizes), recording each request separately with its
 * exact bytes. So a request smuggled inside another one's body shows up as a second recorded
 * request, and anything the gateway sends that a strict server could read two ways shows up as a
 * {@link #problems() problem} rather than being guessed at. Bytes of a request cut off before its
 * end (the gateway gave up mid-body) are kept apart in {@link #partial()}.
 *
 * <p>Answers each complete request with 200 and a two-byte JSON body, keeping the connection open;
 * sends {@code 100 Continue} first when the request expects it. Bounded: 5 s read timeout,
 * 8 MiB per request, 64 KiB per line. Thread-safe.
 */
public final class StrictRecordingUpstream implements AutoCloseable {

    private static final int MAX_REQUEST = 8 << 20;
    private static final int MAX_LINE = 64 << 10;
    private static final int MAX_HEADERS = 200;

    /** A header or trailer field exactly as received (name case kept). */
    public record Field(String name, String value) {}

    /** One complete request as it arrived: parsed parts and the raw bytes (ISO-8859-1). */
    public record Exchange(
            int connection,
            String method,
            String target,
            String version,
            List<Field> headers,
            byte[] body,
            List<Field> trailers,
            String raw) {

        /** Values of every header named {@code name}, ignoring case, in order. */
        public List<String> header(String name) {
            return headers.stream()
                    .filter(f -> f.name().equalsIgnoreCase(name))
                    .map(Field::value)
                    .toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final List<Exchange> received = new CopyOnWriteArrayList<>();
    private final List<String> partial = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    /** Bumped by {@link #clear}: a request begun before it is not recorded after it. */
    private final AtomicInteger generation = new AtomicInteger();

    public StrictRecordingUpstream() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("strict-upstream").start(this::acceptLoop);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every complete request received so far, in order of completion. */
    public List<Exchange> received() {
        return List.copyOf(received);
    }

    /** The raw bytes of requests that began but whose connection ended (or went quiet) before their end. */
    public List<String> partial() {
        return List.copyOf(partial);
    }

    /** Framing a strict server refuses, with the raw bytes read so far: always a gateway fault. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** How many connections the gateway has opened so far. */
    public int connections() {
        return connections.get();
    }

    /**
     * Forgets everything recorded, and everything still arriving for requests begun before now (a
     * gateway that aborts an upstream exchange late must not leak it into the next test's record).
     */
    public void clear() {
        generation.incrementAndGet();
        received.clear();
        partial.clear();
        problems.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int id = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Reader reader = new Reader(in, generation);
                try {
                    socket.setSoTimeout(60_000); // idle between requests: the gateway's pool decides
                    Exchange exchange = reader.request(id, socket, out);
                    if (exchange == null) {
                        return; // closed between requests
                    }
                    if (reader.current()) {
                        received.add(exchange);
                    }
                    String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
                            + (exchange.method().equals("HEAD") ? "" : "{}");
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Malformed e) {
                    if (reader.current()) {
                        problems.add(e.getMessage() + ": " + reader.raw());
                    }
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    return;
                } catch (IOException e) {
                    if (!reader.raw().isEmpty() && reader.current()) {
                        partial.add(reader.raw());
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone; what arrived is recorded
        }
    }

    /** The request did not follow RFC 9112 framing to the letter. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** Reads one request, keeping every byte it consumed. Not thread-safe (one per request). */
    private static final class Reader {
        private final InputStream in;
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private final AtomicInteger generation;
        private int begun = -1;

        Reader(InputStream in, AtomicInteger generation) {
            this.in = in;
            this.generation = generation;
        }

        /** Whether the request began after the last {@link StrictRecordingUpstream#clear}. */
        boolean current() {
            return begun == generation.get();
        }

        String raw() {
            return raw.toString(StandardCharsets.ISO_8859_1);
        }

        Exchange request(int connection, Socket socket, OutputStream out) throws IOException, Malformed {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            raw.write(first);
            begun = generation.get();
            socket.setSoTimeout(5_000);
            String requestLine = ((char) first) + line();
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3
                    || !isToken(parts[0])
                    || parts[1].isEmpty()
                    || !parts[1].chars().allMatch(c -> c > 0x20 && c < 0x7f)
                    || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
                throw new Malformed("request line '" + requestLine + "'");
            }
            List<Field> headers = fields();
            String framing = framing(headers);
            if (headers.stream()
                    .anyMatch(f ->
                            f.name().equalsIgnoreCase("expect") && f.value().equalsIgnoreCase("100-continue"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Field> trailers = List.of();
            if (framing.equals("chunked")) {
                trailers = chunks(body);
            } else if (!framing.isEmpty()) {
                body.write(bytes(Integer.parseInt(framing)));
            }
            return new Exchange(connection, parts[0], parts[1], parts[2], headers, body.toByteArray(), trailers, raw());
        }

        /** "chunked", a length, or "" for no body; refuses anything a strict server would. */
        private static String framing(List<Field> headers) throws Malformed {
            List<String> te = values(headers, "transfer-encoding");
            List<String> cl = values(headers, "content-length");
            if (!te.isEmpty()) {
                if (!cl.isEmpty() || te.size() != 1 || !te.getFirst().equalsIgnoreCase("chunked")) {
                    throw new Malformed("framing TE " + te + " CL " + cl);
                }
                return "chunked";
            }
            if (cl.isEmpty()) {
                return "";
            }
            if (cl.size() != 1 || !cl.getFirst().matches("[0-9]{1,7}")) {
                throw new Malformed("framing CL " + cl);
            }
            return String.valueOf(Integer.parseInt(cl.getFirst()));
        }

        private static List<String> values(List<Field> fields, String name) {
            return fields.stream()
                    .filter(f -> f.name().equalsIgnoreCase(name))
                    .map(Field::value)
                    .toList();
        }

        private List<Field> chunks(ByteArrayOutputStream body) throws IOException, Malformed {
            while (true) {
                String sizeLine = line();
                String size = sizeLine.split(";", 2)[0];
                if (!size.matches("[0-9a-fA-F]{1,6}")) {
                    throw new Malformed("chunk size '" + sizeLine + "'");
                }
                int length = Integer.parseInt(size, 16);
                if (length == 0) {
                    return fields();
                }
                body.write(bytes(length));
                if (!line().isEmpty()) {
                    throw new Malformed("chunk longer than its size");
                }
            }
        }

        private List<Field> fields() throws IOException, Malformed {
            List<Field> fields = new ArrayList<>();
            while (true) {
                String line = line();
                if (line.isEmpty()) {
                    return fields;
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || !isToken(line.substring(0, colon))) {
                    throw new Malformed("field line '" + line + "'"); // also obs-fold: starts with SP/HTAB
                }
                String value = line.substring(colon + 1).strip();
                if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
                    throw new Malformed("field value '" + line + "'");
                }
                fields.add(new Field(line.substring(0, colon), value));
                if (fields.size() > MAX_HEADERS) {
                    throw new Malformed("too many fields");
                }
            }
        }

        /** A line ending in CRLF, without it; a bare CR or LF is malformed. */
        private String line() throws IOException, Malformed {
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = next();
                if (c == '\r') {
                    if (next() != '\n') {
                        throw new Malformed("bare CR");
                    }
                    return line.toString();
                }
                if (c == '\n') {
                    throw new Malformed("bare LF");
                }
                line.append((char) c);
                if (line.length() > MAX_LINE) {
                    throw new Malformed("line too long");
                }
            }
        }

        private int next() throws IOException {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection ended mid-request");
            }
            raw.write(c);
            if (raw.size() > MAX_REQUEST) {
                throw new IOException("request too large");
            }
            return c;
        }

        private byte[] bytes(int count) throws IOException {
            if (raw.size() + count > MAX_REQUEST) {
                throw new IOException("request too large");
            }
            byte[] data = in.readNBytes(count);
            raw.write(data);
            if (data.length < count) {
                throw new IOException("connection ended mid-body");
            }
            return data;
        }

        private static boolean isToken(String text) {
            return !text.isEmpty()
                    && text.chars()
                            .allMatch(c ->
                                    c < 0x7f && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** The lower-case form of a header name, '_' and '.' read as '-', as lenient servers compare them. */
    public static String looseName(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }
}
