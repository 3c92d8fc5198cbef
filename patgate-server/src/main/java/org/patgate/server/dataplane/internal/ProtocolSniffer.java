package org.patgate.server.dataplane.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * Chooses HTTP/1.1 or HTTP/2 for a connection: over TLS by what ALPN agreed in the handshake ({@code
 * h2}, else HTTP/1.1); in clear text by the first bytes, HTTP/2 with prior knowledge being the client
 * starting with the connection preface (RFC 9113 §3.3). Then it puts the matching handlers in its place:
 * for HTTP/1.1 the strict decoder, the encoder and a {@link ClientConnection}; for HTTP/2 Netty's
 * frame codec and one child channel per stream, each with its own {@link ClientConnection} behind
 * Netty's frame-to-HTTP/1 conversion. One per connection, gone after the first bytes.
 */
public final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    /** Jetty's HTTP/2 receive windows: 512 KiB a stream, 1 MiB the connection. */
    private static final int STREAM_WINDOW = 512 * 1024;

    private static final int CONNECTION_WINDOW = 1024 * 1024;

    private final PlaneContext plane;
    private final int maxInitialLine;
    private final int maxHeaderSize;

    public ProtocolSniffer(PlaneContext plane, int maxInitialLine, int maxHeaderSize) {
        this.plane = plane;
        this.maxInitialLine = maxInitialLine;
        this.maxHeaderSize = maxHeaderSize;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // reading is explicit on client connections: the first bytes are asked for here
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            // Over TLS the protocol was agreed in the handshake (RFC 9113 §3.2), and bytes only arrive after
            // it: h2 when ALPN chose it, else HTTP/1.1, whatever the client sends then. A client that agreed
            // on http/1.1 cannot switch by sending the preface (the strict decoder refuses it), and one that
            // agreed on h2 must send the preface (the frame codec refuses anything else).
            if (ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                http2(ctx);
            } else {
                http1(ctx);
            }
            ctx.pipeline().remove(this);
            return;
        }
        int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean samePrefix = true;
        for (int i = 0; i < length; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(i)) {
                samePrefix = false;
                break;
            }
        }
        if (samePrefix && length < PREFACE.readableBytes()) {
            return; // not enough yet to tell
        }
        if (samePrefix) {
            http2(ctx);
        } else {
            http1(ctx);
        }
        ctx.pipeline().remove(this); // hands what it holds to the handlers after it
    }

    private void http1(ChannelHandlerContext ctx) {
        ResponseEncoder encoder = new ResponseEncoder();
        // In pipeline order: the connection, added last, asks for its first request through the others.
        ctx.pipeline()
                .addAfter(
                        ctx.name(), "http1-decoder", new StrictRequestDecoder(maxInitialLine, maxHeaderSize, 64 * 1024))
                .addAfter("http1-decoder", "http1-encoder", encoder)
                .addAfter("http1-encoder", "http1-reads", new ExplicitReads())
                .addAfter("http1-reads", "http1-connection", new ClientConnection(plane, encoder));
    }

    private void http2(ChannelHandlerContext ctx) {
        // The frame codec first: the multiplexer looks for it when it is added.
        Http2FrameCodec frames = Http2FrameCodecBuilder.forServer()
                .validateHeaders(true)
                // As many streams at once, and as large receive windows, as the Jetty data plane allows.
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(128)
                        .initialWindowSize(STREAM_WINDOW))
                .build();
        ctx.pipeline()
                .addAfter(ctx.name(), "http2-frames", frames)
                .addAfter(
                        "http2-frames",
                        "http2-streams",
                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.config().setAutoRead(false);
                                stream.pipeline()
                                        .addLast(Http2QuerySpaces.INSTANCE)
                                        // After the frame codec's checks of every name and value, the
                                        // conversion checks them and the request line once more.
                                        .addLast(new Http2StreamFrameToHttpObjectCodec(true, true))
                                        .addLast(new ExplicitReads())
                                        .addLast(new ClientConnection(plane, null));
                            }
                        }));
        // Sees the client's end of input before the codec: with it, no frame (not even a WINDOW_UPDATE) can come.
        ctx.pipeline().addAfter(ctx.name(), "http2-input-shut", new Http2InputShutdown(frames.connection()));
        widenWindows(frames.connection());
        // The connection itself reads on: each stream reads only when its exchange asks.
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * The receive windows, in force from now on rather than from the client's acknowledgement of the
     * settings. The connection's window goes beyond the protocol's 64 KiB, so the bodies of many streams
     * (refused ones being drained among them) arrive without a round trip for every 32 KiB; memory stays
     * bounded, as whatever no stream has read yet counts against it. Each stream's window is the one the
     * settings announce: Netty would apply it only when the client's SETTINGS ACK arrives, but a client
     * may send up to the announced window as soon as it has read the settings, and its DATA can be on
     * the wire before its ACK (Jetty's client does that). A stream whose body is not read meanwhile (its
     * first decision still being made off the event loop) would then exceed the protocol's 64 KiB default
     * and be reset, its request never answered.
     */
    private static void widenWindows(Http2Connection connection) {
        try {
            connection.local().flowController().initialWindowSize(STREAM_WINDOW);
            connection
                    .local()
                    .flowController()
                    .incrementWindowSize(
                            connection.connectionStream(), CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        } catch (Http2Exception e) {
            throw new IllegalStateException("the HTTP/2 receive windows cannot be widened", e);
        }
    }
}
