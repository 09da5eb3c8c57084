package io.gantry.proxy.forward.h2;

import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.forward.Attempt;
import io.gantry.proxy.forward.Deadline;
import io.gantry.proxy.forward.Exchange;
import io.gantry.proxy.forward.IntermediaryRules;
import io.gantry.proxy.forward.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * One try on an HTTP/2 backend: one stream on the backend's multiplexed connection
 * ({@link Http2Upstream}). The request goes out as HEADERS, DATA and trailing HEADERS; the response
 * comes back the same way and reaches the exchange as a {@link ResponseHead}, plain body pieces and
 * trailers, whatever protocol the client speaks. Reading stops while the client cannot take more, so
 * the stream's flow control holds the backend back.
 */
public final class Http2Attempt extends Attempt {

    private final Http2Upstreams upstreams;
    private final boolean newConnectionOnly;
    private final long responseTimeoutNanos;
    private Http2Upstream upstream;
    private Http2StreamChannel stream;
    private ChannelFuture headWrite;
    private Deadline deadline;
    private boolean requestEnded;
    private boolean responseStarted;
    /** The backend did not process the stream (REFUSED_STREAM, or past its GOAWAY). */
    private boolean unprocessed;

    Http2Attempt(Exchange exchange, Backend backend, Http2Upstreams upstreams, boolean newConnectionOnly) {
        super(exchange, backend);
        this.upstreams = upstreams;
        this.newConnectionOnly = newConnectionOnly;
        this.responseTimeoutNanos = exchange.responseTimeoutNanos();
    }

    @Override
    public void start() {
        upstream = upstreams.connectionFor(backend, newConnectionOnly);
        reused(upstream.ready());
        upstream.open(this);
    }

    /** The connection is up: this attempt's stream is opened on it. */
    void openStream(Channel parent) {
        if (released()) {
            upstream.opened(); // never will be
            return;
        }
        new Http2StreamChannelBootstrap(parent).handler(new StreamEvents()).open().addListener(f -> {
            if (!f.isSuccess()) {
                upstream.opened();
                exchange.attemptFailed(this, f.cause());
                return;
            }
            Http2StreamChannel ch = (Http2StreamChannel) f.getNow();
            if (released()) {
                upstream.opened();
                ch.close();
                return;
            }
            stream = ch;
            deadline = new Deadline(ch.eventLoop(), responseTimeoutNanos, () -> exchange.onBackendTimeout(this));
            exchange.attemptReady(this);
        });
    }

    @Override
    public boolean unprocessed() {
        return unprocessed;
    }

    /** The connection could not be made. */
    void connectFailed(Throwable cause) {
        exchange.attemptFailed(this, cause);
    }

    @Override
    public void sendHead() {
        boolean end = !exchange.requestHasBody();
        Http2Headers headers = Http2Messages.requestHeaders(exchange, backend);
        headWrite = stream.write(new DefaultHttp2HeadersFrame(headers, end));
        headWrite.addListener(f -> upstream.opened()); // the codec counts the stream from now
        requestEnded = end;
        deadline.start(responseTimeoutNanos);
    }

    @Override
    public void sendBody(HttpContent piece) {
        if (requestEnded) {
            piece.release(); // the empty end of a request without body: its HEADERS ended the stream
            stream.flush();
            return;
        }
        ByteBuf data = piece.content();
        if (piece instanceof LastHttpContent last) {
            requestEnded = true;
            HttpHeaders trailers = IntermediaryRules.forwardableTrailers(last.trailingHeaders(), exchange.request().headers());
            if (trailers.isEmpty()) {
                stream.write(new DefaultHttp2DataFrame(data, true));
            } else {
                if (data.isReadable()) {
                    stream.write(new DefaultHttp2DataFrame(data, false));
                } else {
                    data.release();
                }
                stream.write(new DefaultHttp2HeadersFrame(Http2Messages.trailers(trailers), true));
            }
        } else if (data.isReadable()) {
            stream.write(new DefaultHttp2DataFrame(data, false));
        } else {
            data.release();
        }
        stream.flush();
    }

    @Override
    public void flush() {
        stream.flush();
    }

    @Override
    public boolean headSent() {
        return headWrite != null && headWrite.isSuccess();
    }

    @Override
    public boolean isWritable() {
        return stream.isWritable();
    }

    @Override
    public void pauseResponse() {
        stream.config().setAutoRead(false);
    }

    @Override
    public void resumeResponse() {
        stream.config().setAutoRead(true);
    }

    @Override
    public Channel detachForTunnel() {
        throw new IllegalStateException("an HTTP/2 stream cannot become a tunnel"); // HTTP/2 has no 101
    }

    @Override
    protected void onRelease(boolean reusable) {
        if (deadline != null) {
            deadline.cancel();
        }
        if (stream != null) {
            if (headWrite == null) {
                upstream.opened(); // given a stream, but released before its HEADERS: it never will be
            }
            stream.close(); // resets the stream (CANCEL) unless both sides ended it
        }
    }

    /** What the backend sends on this stream. */
    private final class StreamEvents extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (released()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            deadline.start(responseTimeoutNanos); // the backend is not silent
            if (msg instanceof Http2HeadersFrame frame) {
                if (responseStarted) {
                    exchange.onResponseEnd(Http2Attempt.this,
                            IntermediaryRules.forwardableTrailers(Http2Messages.toTrailers(frame.headers()), null), true);
                    return;
                }
                ResponseHead head = Http2Messages.responseHead(frame.headers(), frame.isEndStream(),
                        exchange.method() == HttpMethod.HEAD, ctx.alloc());
                responseStarted = !head.informational();
                exchange.onResponseHead(Http2Attempt.this, head);
                if (responseStarted && frame.isEndStream()) {
                    exchange.onResponseEnd(Http2Attempt.this, null, true);
                }
            } else if (msg instanceof Http2DataFrame data) {
                exchange.onResponseBody(Http2Attempt.this, data.content());
                if (data.isEndStream()) {
                    exchange.onResponseEnd(Http2Attempt.this, null, true);
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        /** RST_STREAM and GOAWAY come as events (they are not flow controlled), before the stream closes. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                unprocessed = reset.errorCode() == Http2Error.REFUSED_STREAM.code();
                exchange.attemptFailed(Http2Attempt.this, "stream reset by backend (" + Http2Error.valueOf(reset.errorCode()) + ")");
            } else if (evt instanceof Http2GoAwayFrame goAway) {
                goAway.release();
                unprocessed = true; // past the GOAWAY's last stream: the backend never saw it (RFC 9113 §6.8)
                exchange.attemptFailed(Http2Attempt.this, "backend went away (GOAWAY) before it took the stream");
            } else {
                ReferenceCountUtil.release(evt);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            exchange.onBackendReadComplete(Http2Attempt.this);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                exchange.onBackendWritable(Http2Attempt.this);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            exchange.attemptFailed(Http2Attempt.this, "stream closed by backend"); // ignored once the response ended
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exchange.attemptFailed(Http2Attempt.this, cause);
            ctx.close();
        }
    }
}
