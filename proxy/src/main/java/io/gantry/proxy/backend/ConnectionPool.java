package io.gantry.proxy.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Keep-alive connections to the backends, owned by one event loop: every connection it hands out
 * lives on the same loop as the client connection that uses it, so nothing here is shared or locked.
 * The most recently returned connection is reused first (the others then age out); a connection that
 * is no longer open is never handed out; idle ones are closed by their pipeline's idle timer.
 */
public final class ConnectionPool {

    private final Bootstrap bootstrap;
    private final int maxIdlePerBackend;
    private final LongAdder idleGauge;
    private final Map<SocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

    /**
     * @param template connection options; the pool connects on {@code loop} with {@code initializer}'s pipeline
     * @param loop the event loop that owns this pool and every connection in it
     * @param initializer builds a backend connection's pipeline, given the pool it returns to
     * @param maxIdlePerBackend idle connections kept per backend; more are closed on release
     * @param idleGauge counts idle pooled connections across all pools, for metrics
     */
    public ConnectionPool(Bootstrap template, EventLoop loop, Function<ConnectionPool, ChannelHandler> initializer,
            int maxIdlePerBackend, LongAdder idleGauge) {
        this.bootstrap = template.clone(loop).handler(initializer.apply(this));
        this.maxIdlePerBackend = maxIdlePerBackend;
        this.idleGauge = idleGauge;
    }

    /** An open idle connection to {@code address}, or null when there is none. */
    public Channel pollIdle(SocketAddress address) {
        ArrayDeque<Channel> queue = idle.get(address);
        if (queue == null) {
            return null;
        }
        Channel ch;
        while ((ch = queue.pollLast()) != null) {
            idleGauge.decrement();
            if (ch.isActive()) {
                return ch;
            }
            ch.close();
        }
        return null;
    }

    /** Opens a new connection to {@code address}. */
    public ChannelFuture connect(SocketAddress address) {
        return bootstrap.connect(address);
    }

    /** Takes back a connection whose last exchange ended cleanly; closes it when there is no room. */
    public void release(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ArrayDeque<Channel> queue = idle.computeIfAbsent(ch.remoteAddress(), a -> new ArrayDeque<>());
        if (queue.size() >= maxIdlePerBackend) {
            ch.close();
            return;
        }
        queue.addLast(ch);
        idleGauge.increment();
    }

    /** Forgets an idle connection that closed or expired. */
    public void remove(Channel ch) {
        SocketAddress address = ch.remoteAddress();
        ArrayDeque<Channel> queue = address == null ? null : idle.get(address);
        if (queue != null && queue.remove(ch)) {
            idleGauge.decrement();
        }
    }
}
