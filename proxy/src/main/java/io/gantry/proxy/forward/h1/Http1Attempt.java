package io.gantry.proxy.forward.h1;

import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.ConnectionPool;
import io.gantry.proxy.forward.Attempt;
import io.gantry.proxy.forward.Exchange;
import io.gantry.proxy.forward.IntermediaryRules;
import io.gantry.proxy.forward.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One try on an HTTP/1.1 backend: a pooled keep-alive connection on the exchange's event loop, or a
 * new one. The request goes out as bytes ({@link HeaderRewriter}, {@link ChunkedBody}); the response
 * comes from the connection's {@link ResponseReader} through its {@link BackendHandler}.
 */
public final class Http1Attempt extends Attempt {

    private final ConnectionPool pool;
    private final boolean newConnectionOnly;
    private Channel ch;
    private BackendHandler handler;
    /** The write of the request head: the head counts as sent once it has reached the socket. */
    private ChannelFuture headWrite;
    /** The trailer fields of a body passed on without its framing, until the response's end. */
    private HttpHeaders trailers;

    /** @param newConnectionOnly take no pooled connection */
    public Http1Attempt(Exchange exchange, Backend backend, ConnectionPool pool, boolean newConnectionOnly) {
        super(exchange, backend);
        this.pool = pool;
        this.newConnectionOnly = newConnectionOnly;
    }

    @Override
    public void start() {
        Channel pooled = newConnectionOnly ? null : pool.pollIdle(backend);
        if (pooled != null) {
            reused(true);
            attach(pooled);
        } else {
            pool.connect(backend).addListener((ChannelFutureListener) this::onConnect);
        }
    }

    private void onConnect(ChannelFuture f) {
        if (released()) {
            if (f.isSuccess()) {
                f.channel().close(); // the exchange ended while we connected
            }
            return;
        }
        if (f.isSuccess()) {
            attach(f.channel());
        } else {
            exchange.attemptFailed(this, f.cause());
        }
    }

    private void attach(Channel channel) {
        ch = channel;
        handler = channel.pipeline().get(BackendHandler.class);
        handler.attach(this, exchange.method() == HttpMethod.HEAD, !exchange.client().takesChunkFraming(),
                exchange.responseTimeoutNanos());
        channel.config().setAutoRead(true);
        exchange.attemptReady(this);
    }

    @Override
    public void sendHead() {
        // The head waits unflushed for the body's first piece; a connection that dies before then fails
        // this write, and the request counts as never sent. A failure is reported as before.
        headWrite = ch.write(HeaderRewriter.requestHead(ch.alloc(), exchange.request(), exchange.requestChunked(),
                exchange.client().clientAddress(), exchange.upgrade(), exchange.client().secure()))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    public void sendBody(HttpContent content) {
        if (exchange.requestChunked()) {
            ChunkedBody.writeChunk(ch, content.content()); // the content's one buffer, released when written
            if (content instanceof LastHttpContent last) {
                HttpHeaders trailers = IntermediaryRules.forwardableTrailers(last.trailingHeaders(), exchange.request().headers());
                ch.write(ChunkedBody.lastChunk(ch.alloc(), trailers), ch.voidPromise()); // trailers are not reference counted
            }
        } else if (content.content().isReadable()) {
            ch.write(content.content(), ch.voidPromise());
        } else {
            content.release();
        }
        ch.flush();
    }

    @Override
    public void flush() {
        ch.flush();
    }

    @Override
    public boolean headSent() {
        return headWrite != null && headWrite.isSuccess();
    }

    @Override
    public boolean isWritable() {
        return ch.isWritable();
    }

    @Override
    public void pauseResponse() {
        ch.config().setAutoRead(false);
    }

    @Override
    public void resumeResponse() {
        ch.config().setAutoRead(true);
    }

    @Override
    public Channel detachForTunnel() {
        Channel tunnel = ch;
        handler.detach();
        ch = null;
        release(false); // nothing left to close: the tunnel owns the connection now
        return tunnel;
    }

    @Override
    protected void onRelease(boolean reusable) {
        Channel c = ch;
        if (c == null) {
            return; // still connecting (onConnect closes what comes), or a tunnel now
        }
        ch = null;
        handler.detach();
        if (reusable) {
            pool.release(c);
        } else {
            c.close();
        }
    }

    // --- from the connection's BackendHandler -------------------------------------------------------

    void onRead(Object msg) {
        if (msg instanceof ResponseHead head) {
            exchange.onResponseHead(this, head);
        } else if (msg instanceof ResponseReader.Trailers t) {
            trailers = t.fields();
        } else if (msg == ResponseReader.END || msg == ResponseReader.END_UNCLEAN) {
            exchange.onResponseEnd(this, trailers, msg == ResponseReader.END);
        } else {
            exchange.onResponseBody(this, (ByteBuf) msg);
        }
    }

    void onReadComplete() {
        exchange.onBackendReadComplete(this);
    }

    void onWritable() {
        exchange.onBackendWritable(this);
    }

    void onClosed() {
        exchange.attemptFailed(this, "connection closed by backend");
    }

    void onError(Throwable cause) {
        exchange.attemptFailed(this, cause);
    }

    void onTimeout() {
        exchange.onBackendTimeout(this);
    }
}
