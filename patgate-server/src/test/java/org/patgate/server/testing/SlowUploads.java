package org.patgate.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * Uploads that send their body one byte at a time, as a slow-body attacker does: over a raw
 * HTTP/1.1 socket or as an HTTP/2 (h2c) stream. Each returns the status the gateway answered with,
 * {@link #CLOSED} when the connection or stream ended without one, or {@link #NOT_ANSWERED} when the
 * upload was still going at its deadline (a hang). Bounded: each gives up at its deadline.
 */
public final class SlowUploads {

    /** The gateway closed the connection, reset the stream or refused the connection without answering. */
    public static final int CLOSED = 0;
    /** Still trickling at the deadline: nobody cut it. */
    public static final int NOT_ANSWERED = -1;

    /** Declared body size: far more than any upload here sends. */
    private static final int DECLARED_LENGTH = 1_000_000;

    private SlowUploads() {}

    /** One slow upload over its own HTTP/1.1 connection, from {@code forwardedFor} (via a trusted proxy). */
    public static int http1(URI base, String path, String forwardedFor, Duration byteInterval, long deadlineNanos) {
        return http1(
                base,
                path,
                forwardedFor,
                "Content-Type: application/octet-stream\r\nContent-Length: " + DECLARED_LENGTH + "\r\n",
                byteInterval,
                deadlineNanos);
    }

    /**
     * As {@link #http1(URI, String, String, Duration, long)} with the given header lines (each ending in
     * CRLF) instead of the default content type and length.
     */
    public static int http1(
            URI base, String path, String forwardedFor, String headers, Duration byteInterval, long deadlineNanos) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nX-Forwarded-For: " + forwardedFor
                            + "\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            while (in.available() == 0) {
                if (System.nanoTime() >= deadlineNanos) {
                    return NOT_ANSWERED;
                }
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(byteInterval.toMillis());
            }
            socket.setSoTimeout(2_000);
            byte[] statusLine = in.readNBytes(12);
            String text = new String(statusLine, StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : CLOSED;
        } catch (IOException | RuntimeException e) {
            return CLOSED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CLOSED;
        }
    }

    /** One slow upload as a new stream on an h2c {@code session}. */
    public static int http2(
            Session session, URI base, String path, String forwardedFor, Duration byteInterval, long deadlineNanos) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        HttpFields.Mutable headers = HttpFields.build()
                .put("X-Forwarded-For", forwardedFor)
                .put("Content-Type", "application/octet-stream")
                .put("Content-Length", Integer.toString(DECLARED_LENGTH));
        MetaData.Request request =
                new MetaData.Request("POST", HttpURI.from(base.resolve(path).toString()), HttpVersion.HTTP_2, headers);
        try {
            Stream stream = session.newStream(new HeadersFrame(request, null, false), new Stream.Listener() {
                        @Override
                        public void onHeaders(Stream stream, HeadersFrame frame) {
                            if (frame.getMetaData() instanceof MetaData.Response response) {
                                status.complete(response.getStatus());
                            }
                            stream.demand();
                        }

                        @Override
                        public void onDataAvailable(Stream stream) {
                            Stream.Data data = stream.readData();
                            if (data != null) {
                                data.release();
                                if (data.frame().isEndStream()) {
                                    return;
                                }
                            }
                            stream.demand();
                        }

                        @Override
                        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
                            status.complete(CLOSED);
                            callback.succeeded();
                        }

                        @Override
                        public void onFailure(
                                Stream stream, int error, String reason, Throwable failure, Callback callback) {
                            status.complete(CLOSED);
                            callback.succeeded();
                        }
                    })
                    .get(5, TimeUnit.SECONDS);
            while (System.nanoTime() < deadlineNanos && !status.isDone()) {
                stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(new byte[] {'x'}), false), Callback.NOOP);
                Thread.sleep(byteInterval.toMillis());
            }
            Integer answered = status.getNow(null);
            if (answered == null) {
                stream.reset(
                        new ResetFrame(stream.getId(), org.eclipse.jetty.http2.ErrorCode.CANCEL_STREAM_ERROR.code),
                        Callback.NOOP);
                return NOT_ANSWERED;
            }
            return answered;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CLOSED;
        } catch (Exception e) {

            return CLOSED;
        }
    }

    /** An h2c session (prior knowledge) to {@code base}. */
    public static Session connect(HTTP2Client client, URI base) throws Exception {
        return client.connect(new InetSocketAddress(base.getHost(), base.getPort()), new Session.Listener() {})
                .get(5, TimeUnit.SECONDS);
    }
}
