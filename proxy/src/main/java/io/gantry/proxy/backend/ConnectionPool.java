package io.gantry.proxy.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * Keep-alive connections to the backends, owned by one event loop: every connection it hands out
 * lives on the same loop as the client connection that uses it, so nothing here is shared or locked.
 * The most recently returned connection is reused first (the others then age out); a connection that
 * is no longer open is never handed out; idle ones are closed by their pipeline's idle timer.
 * TLS connections are pooled apart from cleartext ones, and by the name their certificate was verified
 * for as well as their address, so none is handed out for another backend at the same address; a TLS
 * connection is handed out only once its handshake has completed.
 */
public final class ConnectionPool {

    /** On a TLS connection, the backend it is for: its pipeline begins with TLS for that backend's name. */
    private static final AttributeKey<Backend> TLS_BACKEND = AttributeKey.valueOf(ConnectionPool.class, "tlsBackend");

    private final Bootstrap bootstrap;
    private final int maxIdlePerBackend;
    private final LongAdder idleGauge;
    private final Map<SocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();
    private final Map<TlsKey, ArrayDeque<Channel>> idleTls = new HashMap<>();

    /** What makes TLS connections interchangeable: the address, and the name sent and verified. */
    private record TlsKey(SocketAddress address, String host) {
        static TlsKey of(Backend backend) {
            return new TlsKey(backend.socketAddress(), backend.address().host());
        }
    }

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

    /** The backend a connection reaches over TLS, or null for a cleartext connection. */
    public static Backend tlsBackend(Channel ch) {
        return ch.hasAttr(TLS_BACKEND) ? ch.attr(TLS_BACKEND).get() : null;
    }

    /** An open idle connection to {@code backend} (over TLS if it is a TLS backend), or null when there is none. */
    public Channel pollIdle(Backend backend) {
        ArrayDeque<Channel> queue = backend.tls() ? idleTls.get(TlsKey.of(backend)) : idle.get(backend.socketAddress());
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

    /**
     * Opens a new connection to {@code backend}. For a TLS backend the future completes when the
     * handshake has (a failed handshake fails it, as a refused connect does, and closes the connection).
     */
    public ChannelFuture connect(Backend backend) {
        if (!backend.tls()) {
            return bootstrap.connect(backend.socketAddress());
        }
        // Cloned so that the initializer, which runs inside connect, knows whose name to verify.
        return whenHandshaken(bootstrap.clone().attr(TLS_BACKEND, backend).connect(backend.socketAddress()), backend);
    }

    /**
     * A future that completes when the TLS handshake of the connection {@code tcp} makes has: a failed
     * handshake fails it, as a refused connect does, and closes the connection.
     */
    public static ChannelFuture whenHandshaken(ChannelFuture tcp, Backend backend) {
        Channel ch = tcp.channel();
        ChannelPromise ready = ch.newPromise();
        tcp.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) { // the connection closed before its pipeline was built
                ready.tryFailure(new SSLException("TLS to " + backend.address() + ": connection closed"));
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess();
                } else {
                    ready.tryFailure(new SSLException("TLS handshake with " + backend.address() + " failed: "
                            + reason(h.cause())));
                    ch.close();
                }
            });
        });
        return ready;
    }

    /**
     * Why a handshake failed, in a few words: the innermost cause says it best ("unable to find valid
     * certification path to requested target", "No subject alternative DNS name matching x found").
     */
    private static String reason(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof java.nio.channels.ClosedChannelException) {
            return "connection closed";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Takes back a connection whose last exchange ended cleanly; closes it when there is no room. */
    public void release(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        Backend tls = tlsBackend(ch);
        ArrayDeque<Channel> queue = tls != null ? idleTls.computeIfAbsent(TlsKey.of(tls), k -> new ArrayDeque<>())
                : idle.computeIfAbsent(ch.remoteAddress(), a -> new ArrayDeque<>());
        if (queue.size() >= maxIdlePerBackend) {
            ch.close();
            return;
        }
        queue.addLast(ch);
        idleGauge.increment();
    }

    /** Forgets an idle connection that closed or expired. */
    public void remove(Channel ch) {
        Backend tls = tlsBackend(ch);
        SocketAddress address = ch.remoteAddress();
        ArrayDeque<Channel> queue = tls != null ? idleTls.get(TlsKey.of(tls)) : address == null ? null : idle.get(address);
        if (queue != null && queue.remove(ch)) {
            idleGauge.decrement();
        }
    }
}
