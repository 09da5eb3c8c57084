package io.gantry.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * On a cleartext listener with {@code --h2c}: a connection that begins with HTTP/2's client preface
 * (RFC 9113 §3.4, prior knowledge) gets the HTTP/2 pipeline, any other the HTTP/1.1 one. It reads no
 * further than the first byte that differs; the bytes read go on to the chosen pipeline. An HTTP/1.1
 * {@code Upgrade: h2c} is not taken (it is refused like any upgrade a backend does not accept).
 */
final class PrefaceSelector extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final FrontendInitializer pipelines;

    PrefaceSelector(FrontendInitializer pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        int r = in.readerIndex();
        for (int i = 0; i < n; i++) {
            if (in.getByte(r + i) != PREFACE[i]) {
                pipelines.http1(ctx.pipeline(), false);
                ctx.pipeline().remove(this); // what was read goes on to the HTTP/1.1 decoder
                return;
            }
        }
        if (n == PREFACE.length) {
            pipelines.http2(ctx.pipeline(), false);
            ctx.pipeline().remove(this);
        }
        // else: a prefix of the preface so far; the decoder reads on
    }
}
