package io.gantry.proxy.tls;

import io.gantry.proxy.ProxyMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches an HTTPS connection until its handshake is done, then leaves the pipeline. A handshake not
 * done within the deadline (the client header timeout) is cut off; one that fails closes the
 * connection. Each kind of failure is logged once, with the first client that had it, then only
 * counted: garbage and floods must not fill the log. Errors of a failing handshake stop here, so the
 * HTTP handlers behind it never see them.
 */
public final class TlsHandshakeWatch extends ChannelInboundHandlerAdapter {

    /** Fired by {@link TlsOrPlaintext} when neither TLS nor HTTP arrived. */
    static final Object NOT_TLS = new Object();

    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeWatch.class);
    /** The failure kinds already logged, bounded so that hostile variety cannot grow it without end. */
    private static final Map<String, Boolean> LOGGED = new ConcurrentHashMap<>();
    private static final int MAX_KINDS = 64;

    private final long deadlineNanos;
    private final ProxyMetrics metrics;
    private ScheduledFuture<?> deadline;
    private boolean failed;

    public TlsHandshakeWatch(long deadlineNanos, ProxyMetrics metrics) {
        this.deadlineNanos = deadlineNanos;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            fail(ctx, "timeout", "no TLS handshake within " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms");
        }, deadlineNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                cancel();
                metrics.tlsHandshake("ok");
                ctx.pipeline().remove(this);
                ctx.fireUserEventTriggered(evt);
            } else {
                fail(ctx, "failed", describe(done.cause()));
            }
            return;
        }
        if (evt instanceof TlsOrPlaintext.PlainHttpAnswered) {
            fail(ctx, "plaintext", "plain HTTP sent to the HTTPS port (answered 400)");
            ctx.fireUserEventTriggered(evt); // the access log logs it like any answer
            return;
        }
        if (evt == NOT_TLS) {
            fail(ctx, "failed", "not a TLS record");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The handshake's own errors: the completion event that follows (or the close) tells the story.
        fail(ctx, "failed", describe(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, String result, String why) {
        if (failed) {
            return;
        }
        failed = true;
        cancel();
        metrics.tlsHandshake(result);
        String kind = result + ": " + why;
        if (LOGGED.size() < MAX_KINDS && LOGGED.putIfAbsent(kind, Boolean.TRUE) == null) {
            log.warn("TLS handshake {} from {}: {}; further ones of this kind are only counted (gantry_tls_handshakes_total, result {})",
                    result, ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?",
                    why, result);
        }
        if (!"plaintext".equals(result)) { // the plaintext answer closes the connection once written
            // A failed handshake has nothing left to protect: the socket is closed beneath TLS at once.
            // Closed through the failed SslHandler, or after waiting for its alert's write, the close
            // never completed under io_uring (the write's completion does not come); epoll has usually
            // sent the alert already.
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ctx.pipeline().remove(ssl);
            }
            ctx.channel().close();
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && !(c instanceof SSLHandshakeException)) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        m = m.lines().findFirst().orElse("");
        return m.length() > 120 ? m.substring(0, 117) + "..." : m;
    }
}
