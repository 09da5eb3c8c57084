package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;

/**
 * A client connection's two clocks, one of them running at a time. Between exchanges, the keep-alive
 * idle clock: the connection is closed when no request starts in time. Once a request's first byte has
 * arrived, the header clock (slowloris): when the head is not complete in time it fires
 * {@link #EXPIRED}, which the HTTP/1.1 adapter answers with 408. While an exchange runs neither
 * runs; the backend's response timeout watches it. The frontend says when a head was decoded
 * ({@link #headReceived}) and when it waits for the next ({@link #awaitNextHead}).
 */
public final class ClientTimeouts extends ChannelInboundHandlerAdapter {

    /** The user event fired when a request head took too long. */
    public static final Object EXPIRED = new Object();

    private final long idleNanos;
    private final long headNanos;
    private ChannelHandlerContext ctx;
    private Deadline deadline;
    private boolean waitingForHead = true;
    private boolean headStarted;

    public ClientTimeouts(Duration idleTimeout, Duration headerTimeout) {
        this.idleNanos = idleTimeout.toNanos();
        this.headNanos = headerTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), Math.min(idleNanos, headNanos), this::expired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline.start(idleNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waitingForHead && !headStarted && msg instanceof ByteBuf b && b.isReadable()) {
            headStarted = true;
            deadline.start(headNanos);
        }
        ctx.fireChannelRead(msg);
    }

    private void expired() {
        if (headStarted) {
            ctx.pipeline().fireUserEventTriggered(EXPIRED);
        } else {
            ctx.close(); // idle keep-alive connection
        }
    }

    /** A whole head arrived: no clock runs until the exchange ends. */
    public void headReceived() {
        waitingForHead = false;
        headStarted = false;
        deadline.stop();
    }

    /** The exchange ended: the idle clock runs until the next head's first byte. */
    public void awaitNextHead() {
        waitingForHead = true;
        headStarted = false;
        deadline.start(idleNanos);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(); // the connection became a tunnel
    }
}
