package io.gantry.proxy.forward.h2;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendTlsContext;
import io.gantry.proxy.backend.ConnectionPool;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One multiplexed HTTP/2 connection to one backend, on one event loop. Attempts that come while it
 * connects, and those past the backend's SETTINGS_MAX_CONCURRENT_STREAMS, wait for it in order; it is
 * up once the backend's first SETTINGS arrived, so no stream is opened past the limit. After the
 * backend's GOAWAY it takes no new stream (those waiting go to a new connection) and closes when its
 * last one ends; idle with no stream for the pool idle timeout, it closes.
 */
final class Http2Upstream {

    private enum State { CONNECTING, READY, GOING_AWAY, CLOSED }

    /** Streams assumed allowed until the backend's SETTINGS say otherwise (RFC 9113 §6.5.2 recommends 100 at least). */
    private static final int ASSUMED_MAX_STREAMS = 100;

    private final Http2Upstreams owner;
    private final Backend backend;
    private State state = State.CONNECTING;
    private Channel parent;
    private Http2FrameCodec codec;
    private final List<Http2Attempt> waiting = new ArrayList<>();
    /**
     * Streams given out whose HEADERS have not been written yet: the codec counts a stream as active
     * only from then, so these are counted here against the backend's limit.
     */
    private int opening;

    Http2Upstream(Http2Upstreams owner, Backend backend) {
        this.owner = owner;
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    /** Whether the connection was up before now (for the retry policy: a failure on it may be the keep-alive race's kin). */
    boolean ready() {
        return state == State.READY;
    }

    boolean hasRoom() {
        // The codec knows of a GOAWAY before this connection's handler does: its streams hear of it first.
        return (state == State.CONNECTING || state == State.READY) && !codec.connection().goAwayReceived()
                && streams() + waiting.size() < maxStreams();
    }

    /** Streams active on the connection or about to be. */
    private int streams() {
        return codec.connection().local().numActiveStreams() + opening;
    }

    private int maxStreams() {
        return state == State.READY ? codec.connection().local().maxActiveStreams() : ASSUMED_MAX_STREAMS;
    }

    void connect(Bootstrap template, ProxyConfig config, BackendTlsContext tls) {
        codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(0)
                .build();
        Bootstrap b = template.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (backend.tls()) {
                    if (tls == null) {
                        throw new IllegalStateException(backend + " is a TLS backend, but the proxy was started without backend TLS");
                    }
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend));
                }
                ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, config.poolIdleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                        .addLast("h2", codec)
                        .addLast("streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                        .addLast("connection", new ConnectionEvents());
            }
        });
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(io.netty.handler.codec.http2.Http2Stream stream) {
                parent.eventLoop().execute(Http2Upstream.this::streamClosed); // not from inside the codec
            }
        });
        ChannelFuture tcp = b.connect(backend.socketAddress());
        parent = tcp.channel();
        (backend.tls() ? ConnectionPool.whenHandshaken(tcp, backend) : tcp).addListener(f -> {
            if (f.isSuccess() && backend.tls() && !"h2".equals(parent.pipeline().get(SslHandler.class).applicationProtocol())) {
                parent.close();
                failWaiting(new SSLException(backend.address() + " did not agree to h2 in its TLS handshake (ALPN)"));
            } else if (!f.isSuccess()) {
                failWaiting(f.cause());
            }
        });
        parent.closeFuture().addListener(f -> closed());
    }

    /** Gives {@code a} a stream, now or once there is room. */
    void open(Http2Attempt a) {
        if (state == State.READY && streams() < maxStreams()) {
            opening++;
            a.openStream(parent);
        } else {
            waiting.add(a);
        }
    }

    /** Opens streams for those waiting, as far as the backend's limit allows. */
    private void openWaiting() {
        while (!waiting.isEmpty() && state == State.READY && streams() < maxStreams()) {
            opening++;
            waiting.remove(0).openStream(parent);
        }
    }

    /** A stream given out is active now (its HEADERS were written), or will never be. */
    void opened() {
        opening--;
        closeIfDone();
    }

    /** A stream ended: room for one waiting. */
    private void streamClosed() {
        openWaiting();
        closeIfDone();
    }

    private void closeIfDone() {
        if (state == State.GOING_AWAY && streams() == 0) {
            parent.close();
        }
    }

    private void failWaiting(Throwable cause) {
        closed();
        List<Http2Attempt> failed = new ArrayList<>(waiting);
        waiting.clear();
        failed.forEach(a -> a.connectFailed(cause));
    }

    private void closed() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            owner.closed(this);
        }
    }

    /** The connection's own frames and events, past the stream multiplexer. */
    private final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame && state == State.CONNECTING) {
                state = State.READY; // the backend's limits are known now
                openWaiting();
            } else if (msg instanceof Http2GoAwayFrame && state != State.CLOSED) {
                state = State.GOING_AWAY; // the streams open finish here; the others go to a new connection
                owner.closed(Http2Upstream.this);
                List<Http2Attempt> moved = new ArrayList<>(waiting);
                waiting.clear();
                moved.forEach(a -> owner.connectionFor(backend, false).open(a));
                closeIfDone();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && streams() == 0) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
