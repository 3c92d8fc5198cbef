package org.patgate.server.dataplane.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.util.List;

/**
 * Netty's HTTP/1.1 request decoder made strict where it is lenient: a request head with a line
 * folded onto the previous one (obs-fold, RFC 9112 §5.2), a bare LF or a bare CR is refused before
 * Netty sees it (Netty would unfold and accept), and so is a request with both
 * {@code Content-Length} and {@code Transfer-Encoding} (RFC 9112 §6.1: Netty would drop the length
 * and read on). A refusal is a request whose {@link DecoderResult} failed; everything after it on
 * the connection is discarded. One instance per connection, on its event loop.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    private final int maxHeadBytes;
    /** True while the next bytes start a request head (not yet checked). */
    private boolean atHead = true;

    private boolean refused;

    public StrictRequestDecoder(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {
        super(config(maxInitialLine, maxHeaderSize, maxChunkSize));
        this.maxHeadBytes = maxInitialLine + maxHeaderSize;
    }

    static HttpDecoderConfig config(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize)
                .setAllowDuplicateContentLengths(false)
                .setAllowPartialChunks(false)
                .setStrictLineParsing(true)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory()
                        .withNameValidation(true)
                        .withValueValidation(true))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory()
                        .withNameValidation(true)
                        .withValueValidation(true));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (atHead) {
            HeadScan scan = scanHead(buffer, maxHeadBytes);
            if (scan == HeadScan.INCOMPLETE) {
                return; // wait for the rest of the head; Netty would consume complete lines already
            }
            if (scan != HeadScan.COMPLETE) {
                refuse(
                        buffer,
                        out,
                        scan == HeadScan.TOO_LARGE
                                ? new TooLongHttpHeaderException(
                                        "request head is larger than " + maxHeadBytes + " bytes")
                                : new IllegalArgumentException(scan.reason));
                return;
            }
            atHead = false;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpMessage message
                    && message.decoderResult().isFailure()) {
                refused = true;
            }
            if (decoded instanceof LastHttpContent last) {
                if (last.decoderResult().isFailure()) {
                    refused = true;
                }
                atHead = true;
            }
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Thrown inside Netty's header parsing: the request becomes an invalid one.
        throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
    }

    private void refuse(ByteBuf buffer, List<Object> out, Exception cause) {
        refused = true;
        buffer.skipBytes(buffer.readableBytes());
        DefaultFullHttpRequest invalid =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request", Unpooled.EMPTY_BUFFER);
        invalid.setDecoderResult(DecoderResult.failure(cause));
        out.add(invalid);
    }

    /** What {@link #scanHead} found. */
    enum HeadScan {
        COMPLETE(null),
        INCOMPLETE(null),
        TOO_LARGE("request head too large"),
        OBS_FOLD("a header line folded onto the previous one (obs-fold) is not accepted"),
        BARE_LF("a line ending without CR is not accepted"),
        BARE_CR("a CR not followed by LF is not accepted"),
        BAD_VERSION("the request line must end in HTTP/1.1 or HTTP/1.0, spelled so (RFC 9112 §2.3)");

        final String reason;

        HeadScan(String reason) {
            this.reason = reason;
        }
    }

    /**
     * Checks the request head at the reader index (after any empty lines before it, RFC 9112 §2.2)
     * up to its blank line, without consuming anything.
     */
    /** Whether the request line in {@code [start, end)} ends in {@code " HTTP/1.1"} or {@code " HTTP/1.0"}. */
    private static boolean versionSpelled(ByteBuf buffer, int start, int end) {
        String suffix = " HTTP/1.";
        if (end - start < suffix.length() + 1) {
            return false;
        }
        int at = end - suffix.length() - 1;
        for (int k = 0; k < suffix.length(); k++) {
            if (buffer.getByte(at + k) != suffix.charAt(k)) {
                return false;
            }
        }
        byte minor = buffer.getByte(end - 1);
        return minor == '1' || minor == '0';
    }

    static HeadScan scanHead(ByteBuf buffer, int maxHeadBytes) {
        int start = buffer.readerIndex();
        int end = buffer.writerIndex();
        int i = start;
        while (i + 1 < end && buffer.getByte(i) == '\r' && buffer.getByte(i + 1) == '\n') {
            i += 2;
        }
        int headStart = i;
        boolean requestLine = true;
        for (; i < end; i++) {
            if (i - headStart > maxHeadBytes) {
                return HeadScan.TOO_LARGE;
            }
            byte b = buffer.getByte(i);
            if (b == '\r') {
                if (i + 1 >= end) {
                    return HeadScan.INCOMPLETE;
                }
                if (buffer.getByte(i + 1) != '\n') {
                    return HeadScan.BARE_CR;
                }
            } else if (b == '\n') {
                if (i == headStart || buffer.getByte(i - 1) != '\r') {
                    return HeadScan.BARE_LF;
                }
                if (requestLine) {
                    requestLine = false;
                    if (!versionSpelled(buffer, headStart, i - 1)) {
                        return HeadScan.BAD_VERSION;
                    }
                }
                if (i + 1 >= end) {
                    return HeadScan.INCOMPLETE;
                }
                byte next = buffer.getByte(i + 1);
                if (next == ' ' || next == '\t') {
                    return HeadScan.OBS_FOLD;
                }
                if (next == '\r') {
                    if (i + 2 >= end) {
                        return HeadScan.INCOMPLETE;
                    }
                    return buffer.getByte(i + 2) == '\n' ? HeadScan.COMPLETE : HeadScan.BARE_CR;
                }
            }
        }
        return end - headStart > maxHeadBytes ? HeadScan.TOO_LARGE : HeadScan.INCOMPLETE;
    }
}
