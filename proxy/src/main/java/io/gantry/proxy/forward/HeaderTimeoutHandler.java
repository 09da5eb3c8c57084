package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Limits how long a client may take to send a request head once its first byte arrived (slowloris):
 * when the time is up it fires {@link #EXPIRED}, which {@link FrontendHandler} answers with 408. The
 * frontend says when a head was decoded ({@link #headReceived}) and when it waits for the next.
 */
public final class HeaderTimeoutHandler extends ChannelInboundHandlerAdapter {

    /** The user event fired when a request head took too long. */
    public static final Object EXPIRED = new Object();

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private boolean waitingForHead = true;
    private ScheduledFuture<?> timer;

    public HeaderTimeoutHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waitingForHead && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
            timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    private void expire() {
        timer = null;
        if (waitingForHead) {
            ctx.pipeline().fireUserEventTriggered(EXPIRED);
        }
    }

    /** A whole head arrived: the clock stops. */
    void headReceived() {
        waitingForHead = false;
        cancel();
    }

    /** The exchange ended: the next head's clock starts with its first byte. */
    void awaitNextHead() {
        waitingForHead = true;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}
