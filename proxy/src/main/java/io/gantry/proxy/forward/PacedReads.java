package io.gantry.proxy.forward;

import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Reading a client one message at a time, for an adapter behind a {@code FlowControlHandler} on a
 * channel with auto-read off: it asks for a message only when its exchange can take one. A read() that
 * the channel's read cycle did not satisfy is spent when the cycle ends (FlowControlHandler drops it),
 * so one still wanted is asked for again then ({@link #readComplete}).
 */
public final class PacedReads {

    private final ChannelHandlerContext ctx;
    private boolean requested;

    public PacedReads(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Asks for the next message. */
    public void request() {
        requested = true;
        ctx.read();
    }

    /** A message arrived: what was asked for is satisfied. */
    public void delivered() {
        requested = false;
    }

    /** The channel's read cycle ended: a message still wanted is asked for again. */
    public void readComplete() {
        if (requested) {
            ctx.read();
        }
    }

    /** The client's IP address as the access log and X-Forwarded-For give it. */
    public static String clientAddress(SocketAddress remote) {
        return remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
    }
}
