package io.gantry.proxy.server;

import io.gantry.proxy.tls.TlsOrPlaintext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * On the HTTPS listener, after the handshake: the protocol ALPN chose gets its pipeline, HTTP/2 for
 * {@code h2}, HTTP/1.1 otherwise (a client that offered nothing, or plain HTTP answered on the port).
 * What the client sent with its last handshake message is kept and passed on once the pipeline is built.
 */
final class AlpnSelector extends ChannelInboundHandlerAdapter {

    private final FrontendInitializer pipelines;
    private List<Object> early;

    AlpnSelector(FrontendInitializer pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // the handshake
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (early == null) {
            early = new ArrayList<>(2);
        }
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                select(ctx, ssl != null && "h2".equals(ssl.applicationProtocol()));
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof TlsOrPlaintext.PlainHttpAnswered) {
            select(ctx, false); // HTTP/1.1's adapter logs the answer
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void select(ChannelHandlerContext ctx, boolean http2) {
        if (http2) {
            pipelines.http2(ctx.pipeline(), true);
        } else {
            pipelines.http1(ctx.pipeline(), true);
        }
        List<Object> held = early;
        early = null;
        if (held != null) {
            held.forEach(ctx::fireChannelRead);
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }
}
