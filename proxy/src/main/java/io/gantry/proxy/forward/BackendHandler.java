package io.gantry.proxy.forward;

import io.gantry.proxy.backend.ConnectionPool;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection: relays what the backend sends to the client connection
 * that currently uses it ({@link #attach}), and while the connection sits idle in the pool, closes it
 * when it expires or when the backend sends anything unasked.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final ConnectionPool pool;
    private final IdleStateHandler timers;
    private FrontendHandler owner;

    BackendHandler(ConnectionPool pool, IdleStateHandler timers) {
        this.pool = pool;
        this.timers = timers;
    }

    /** Lends this connection to {@code frontend} for one exchange; the response timer starts now. */
    void attach(FrontendHandler frontend) {
        owner = frontend;
        timers.resetReadTimeout();
    }

    /** Ends the loan; the connection goes back to the pool or is closed by the caller. */
    void detach() {
        owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner != null) {
            owner.onBackendRead(msg);
        } else {
            // Nothing was asked: a stray response on an idle connection makes it unusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null && ctx.channel().isWritable()) {
            owner.onBackendWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FrontendHandler o = owner;
        owner = null;
        if (o != null) {
            o.onBackendClosed();
        } else {
            pool.remove(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (owner != null && e.state() == IdleState.READER_IDLE) {
                owner.onBackendTimeout();
            } else if (owner == null && e.state() == IdleState.ALL_IDLE) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (owner != null) {
            owner.onBackendError(cause);
        } else {
            log.debug("idle backend connection {} failed: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}
