package io.gantry.proxy.forward.h1;

import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The one place where an HTTP/1.1 client connection and its backend connection stop speaking HTTP:
 * after a 101, both become a byte tunnel (HTTP handlers out, {@link TunnelHandler}s in). The backend
 * connection is never pooled again.
 */
final class Tunnel {

    private static final byte[] UPGRADE_LINES = "Connection: upgrade\r\nUpgrade: ".getBytes(StandardCharsets.US_ASCII);
    private static final short CRLF = ('\r' << 8) | '\n';

    private Tunnel() {
    }

    /**
     * Passes the 101 on, then rebuilds both pipelines.
     *
     * @param client the client connection's adapter's context
     * @param raw the context beneath the client's response encoder, where the 101's bytes go
     * @param requested the protocol the client asked for, named when the backend's 101 does not
     * @param adapter the client connection's adapter, removed
     */
    static void open(ChannelHandlerContext client, ChannelHandlerContext raw, ResponseHead head, String requested,
            Channel back, ForwardingContext context, ChannelHandler adapter) {
        String protocol = head.upgrade() != null ? head.upgrade() : requested;
        ByteBuf lines = head.content();
        lines.writeBytes(UPGRADE_LINES).writeCharSequence(protocol, StandardCharsets.ISO_8859_1);
        lines.writeShort(CRLF).writeShort(CRLF);
        raw.writeAndFlush(lines, raw.voidPromise());
        Channel front = client.channel();
        // Encoders out and tunnels in first: removing a decoder passes on the bytes it holds (whatever
        // either side sent right after the upgrade), and those must meet a tunnel and no HTTP encoder.
        ChannelPipeline b = back.pipeline();
        ChannelPipeline p = front.pipeline();
        p.remove(Http1Connection.RAW);
        b.addLast("tunnel", new TunnelHandler(front));
        p.addLast("tunnel", new TunnelHandler(back));
        p.replace("timeouts", "idle", new IdleStateHandler(0, 0, context.config().clientIdleTimeout().toNanos(),
                TimeUnit.NANOSECONDS)); // a silent tunnel closes like an idle connection
        b.remove("relay");
        b.remove("response-reader");
        p.remove("one-message-per-read");
        p.remove(adapter);
        p.remove("request-decoder");
        front.config().setAutoRead(true);
        back.config().setAutoRead(true);
    }
}
