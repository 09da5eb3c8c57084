package io.gantry.proxy.forward.h2;

import io.gantry.proxy.forward.BackendConnections;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.PacedReads;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/2 client connection, past its frame codec and stream multiplexer: what its streams share
 * (the client's address, TLS), and its own lifetime. Idle with no stream open for the client idle
 * timeout, or told to drain, it closes gracefully: GOAWAY, then open streams finish (within
 * {@code --shutdown-timeout}).
 */
public final class Http2ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2ClientConnection.class);

    private final ForwardingContext context;
    private final Http2FrameCodec codec;
    private final boolean secure;
    private String clientAddress;
    private String tlsProtocol;
    private boolean tlsKnown;
    private ChannelHandlerContext ctx;
    private BackendConnections backendConnections;

    /** @param codec the connection's frame codec, asked how many streams are open */
    public Http2ClientConnection(ForwardingContext context, Http2FrameCodec codec, boolean secure) {
        this.context = context;
        this.codec = codec;
        this.secure = secure;
    }

    /** What each new stream's channel starts with: frames one at a time, as its exchange asks for them. */
    public ChannelHandler streamInitializer() {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ch.pipeline()
                        .addLast("one-frame-per-read", new FlowControlHandler())
                        .addLast("exchange", new Http2Stream(context, Http2ClientConnection.this));
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        clientAddress = PacedReads.clientAddress(ctx.channel().remoteAddress());
        backendConnections = context.connections(ctx.channel().eventLoop());
        // HTTP/2 flow control bounds what each stream may send; the connection reads all the time, so
        // that control frames (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM) are never stuck behind a body.
        ctx.channel().config().setAutoRead(true);
        context.metrics().http2Connection();
        if (context.draining()) {
            ctx.close();
        }
    }

    BackendConnections backendConnections() {
        return backendConnections;
    }

    String clientAddress() {
        return clientAddress;
    }

    boolean secure() {
        return secure;
    }

    String tlsProtocol() {
        if (!tlsKnown) {
            tlsKnown = true;
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            tlsProtocol = ssl == null ? null : ssl.engine().getSession().getProtocol();
        }
        return tlsProtocol;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ForwardingContext.DRAIN) {
            ctx.close(); // the codec's close: GOAWAY, then the open streams may finish
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (codec.connection().numActiveStreams() == 0) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * A protocol error is the codec's to answer: it reports it here first, then sends GOAWAY with the
     * error's code (PROTOCOL_ERROR, ENHANCE_YOUR_CALM, ...) and closes; closing here first would send
     * a graceful GOAWAY(NO_ERROR) instead. Anything else (an I/O error) closes the connection.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP/2 client connection {} failed: {}", ctx.channel(), cause.toString());
        if (!(cause instanceof Http2Exception)) {
            ctx.close();
        }
    }
}
