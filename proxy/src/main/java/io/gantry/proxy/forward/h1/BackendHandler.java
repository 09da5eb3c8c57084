package io.gantry.proxy.forward.h1;

import io.gantry.proxy.backend.ConnectionPool;
import io.gantry.proxy.forward.Deadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection: relays what the backend sends to the
 * attempt that currently uses it ({@link #attach}), and while the connection sits idle in the pool, closes it
 * when it expires or when the backend sends anything unasked. One clock runs: while lent, the response
 * timeout (restarted by every read); while pooled, the pool idle timeout.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final ConnectionPool pool;
    private final ResponseReader reader;
    /** The command line's response timeout: what the deadline's wake-ups are paced by. */
    private final long defaultTimeoutNanos;
    /** The attached exchange's route's. */
    private long responseTimeoutNanos;
    private final long poolIdleNanos;
    private Deadline deadline;
    private Http1Attempt owner;

    BackendHandler(ConnectionPool pool, ResponseReader reader, Duration responseTimeout, Duration poolIdleTimeout) {
        this.pool = pool;
        this.reader = reader;
        this.defaultTimeoutNanos = responseTimeout.toNanos();
        this.responseTimeoutNanos = defaultTimeoutNanos;
        this.poolIdleNanos = poolIdleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = new Deadline(ctx.executor(), Math.min(defaultTimeoutNanos, poolIdleNanos), () -> expired(ctx));
    }

    /**
     * Lends this connection to {@code attempt} for one exchange; the response timer starts now.
     *
     * @param headRequest the request is a HEAD (its response has no body)
     * @param dechunk the client reads HTTP/1.0, so a chunked body is passed on without its framing
     * @param responseTimeoutNanos how long the backend may stay silent: the exchange's route's timeout
     */
    void attach(Http1Attempt attempt, boolean headRequest, boolean dechunk, long responseTimeoutNanos) {
        owner = attempt;
        this.responseTimeoutNanos = responseTimeoutNanos;
        reader.expect(headRequest, dechunk);
        deadline.start(responseTimeoutNanos);
    }

    /** Ends the loan; the connection goes back to the pool (its idle timer starts) or is closed by the caller. */
    void detach() {
        owner = null;
        deadline.start(poolIdleNanos);
    }

    private void expired(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.onTimeout();
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner != null) {
            owner.onRead(msg);
        } else {
            // Nothing was asked: a stray response on an idle connection makes it unusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            deadline.start(responseTimeoutNanos); // the backend is not silent
            owner.onReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null && ctx.channel().isWritable()) {
            owner.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        Http1Attempt o = owner;
        owner = null;
        if (o != null) {
            o.onClosed();
        } else {
            pool.remove(ctx.channel());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(); // the connection became a tunnel
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (owner != null) {
            owner.onError(cause);
        } else {
            log.debug("idle backend connection {} failed: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}
