package io.gantry.proxy.forward.h2;

import io.gantry.proxy.forward.BackendConnections;
import io.gantry.proxy.forward.ClientStream;
import io.gantry.proxy.forward.Exchange;
import io.gantry.proxy.forward.ExchangeTimeouts;
import io.gantry.proxy.forward.PacedReads;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.RequestValidator;
import io.gantry.proxy.forward.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 stream from a client, as the client side of its one {@link Exchange}. It runs in the
 * stream's child channel (Netty's {@code Http2MultiplexHandler}), on its connection's event loop. It
 * reads a frame only when the exchange asks for more of the body, so HTTP/2 flow control holds the
 * client back while the backend is slow, and a slow reader of one stream stalls no other. A failure
 * resets this stream, never the connection.
 */
final class Http2Stream extends ChannelInboundHandlerAdapter implements ClientStream, ExchangeTimeouts.Expiry {

    private final ForwardingContext context;
    private final Http2ClientConnection connection;
    private ChannelHandlerContext ctx;
    /** The stream's one exchange while it runs; null before its request came and after it ended. */
    private Exchange exchange;
    /** The request's headers came: any later HEADERS are its trailers, never a second request. */
    private boolean requestArrived;
    /** The request ended with its headers: its empty end is delivered on the first read. */
    private boolean endOnFirstRead;
    private boolean requestEnded;
    /** The response needs no END_STREAM of its own: its headers carried it. */
    private boolean responseEnded;
    /** The write of the response's frame with END_STREAM, once made. */
    private ChannelFuture endWritten;
    /** The unread rest of the request was stopped (RST_STREAM NO_ERROR) and the channel closed. */
    private boolean requestStopped;
    private PacedReads reads;
    private ExchangeTimeouts timeouts;
    /** The last response body piece, written with the next one, at a flush, or with END_STREAM. */
    private ByteBuf heldPiece;

    Http2Stream(ForwardingContext context, Http2ClientConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.reads = new PacedReads(ctx);
        this.timeouts = new ExchangeTimeouts(ctx.channel(), context.config().clientBodyTimeout(),
                context.config().sendTimeout(), this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        reads.request(); // the request's headers
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.readComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads.delivered();
        if (msg instanceof Http2HeadersFrame headers) {
            if (!requestArrived) {
                requestArrived = true;
                onRequest(headers);
            } else if (exchange != null) {
                onRequestBody(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, Http2Messages.toTrailers(headers.headers())));
            } // else trailers of a request whose exchange is over: one stream, one exchange
        } else if (msg instanceof Http2DataFrame data) {
            if (exchange == null) {
                data.release();
                return;
            }
            ByteBuf content = data.content();
            onRequestBody(data.isEndStream() ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(Http2HeadersFrame frame) {
        long start = System.nanoTime();
        context.metrics().http2Stream();
        Http2Headers h = frame.headers();
        if (Http2Messages.malformed(h)) {
            // RFC 9113 §8.1.1: a malformed request is a stream error of type PROTOCOL_ERROR.
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
            ctx.close();
            return;
        }
        String problem = Http2Messages.check(h);
        HttpRequest request = Http2Messages.toRequest(h);
        boolean hasBody = !frame.isEndStream();
        boolean lengthKnown = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        exchange = new Exchange(context, this, request, hasBody && !lengthKnown, hasBody, start);
        endOnFirstRead = !hasBody;
        if (problem != null) {
            exchange.refuse(new RequestValidator.Rejection(HttpResponseStatus.BAD_REQUEST, problem, false));
        } else {
            exchange.start();
        }
    }

    private void onRequestBody(HttpContent content) {
        timeouts.bodyArrived();
        if (content instanceof LastHttpContent) {
            requestEnded = true;
        }
        exchange.onRequestBody(content);
    }

    // --- ClientStream -----------------------------------------------------------------------------

    @Override
    public BackendConnections backendConnections() {
        return connection.backendConnections();
    }

    @Override
    public String clientAddress() {
        return connection.clientAddress();
    }

    @Override
    public boolean secure() {
        return connection.secure();
    }

    @Override
    public String tlsProtocol() {
        return connection.tlsProtocol();
    }

    @Override
    public boolean takesChunkFraming() {
        return false;
    }

    @Override
    public boolean canUpgrade() {
        return false;
    }

    @Override
    public void readRequestBody() {
        if (endOnFirstRead) {
            endOnFirstRead = false;
            requestEnded = true;
            exchange.onRequestBody(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            timeouts.awaitingBody();
            reads.request();
        }
    }

    @Override
    public void writeHead(Exchange e, ResponseHead head) {
        boolean noBody = head.framing() == ResponseHead.Framing.NONE && !head.informational();
        Http2Headers headers = Http2Messages.responseHeaders(head, secure() ? context.hsts() : null,
                head.informational() ? null : e.responseCookie());
        head.release();
        ChannelFuture written = ctx.write(new DefaultHttp2HeadersFrame(headers, noBody));
        if (noBody) {
            responseEnded = true;
            endWritten = written;
        }
        if (head.informational()) {
            ctx.flush();
        }
    }

    /**
     * Body pieces go out one behind: the last one read before the response's end carries END_STREAM
     * (no empty DATA frame after it), and what is held is written at every flush, so nothing waits.
     */
    @Override
    public void writeBody(ByteBuf piece) {
        if (!piece.isReadable()) {
            piece.release();
            return;
        }
        if (heldPiece != null) {
            ctx.write(new DefaultHttp2DataFrame(heldPiece, false));
        }
        timeouts.written(piece.readableBytes());
        heldPiece = piece;
    }

    @Override
    public void writeEnd(Exchange e, HttpHeaders trailers) {
        exchange = null;
        timeouts.exchangeEnded();
        boolean withTrailers = trailers != null && !trailers.isEmpty();
        if (heldPiece != null) {
            ChannelFuture written = ctx.write(new DefaultHttp2DataFrame(heldPiece, !withTrailers));
            heldPiece = null;
            if (!withTrailers) {
                responseEnded = true;
                endWritten = written;
            }
        }
        if (!responseEnded) {
            endWritten = ctx.write(withTrailers ? new DefaultHttp2HeadersFrame(Http2Messages.trailers(trailers), true)
                    : new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        }
        ctx.flush();
        stopRequestIfUnread();
    }

    @Override
    public void respond(Exchange e, FullHttpResponse response, boolean close) {
        exchange = null;
        timeouts.exchangeEnded();
        boolean hasBody = response.content().isReadable();
        endWritten = ctx.write(new DefaultHttp2HeadersFrame(Http2Messages.responseHeaders(response), !hasBody));
        if (hasBody) {
            endWritten = ctx.write(new DefaultHttp2DataFrame(response.content().retain(), true));
        }
        response.release();
        ctx.flush();
        stopRequestIfUnread();
    }

    /**
     * RFC 9113 §8.1: a complete response to a request still arriving may stop it with NO_ERROR, once
     * the response's last frame has left ({@link #endWritten}): a reset sent while response DATA still
     * waits for the client's flow-control window would drop that DATA. A client that gives no window
     * is given up on after the send timeout.
     */
    private void stopRequestIfUnread() {
        if (requestEnded || endOnFirstRead) {
            return;
        }
        ScheduledFuture<?> giveUp = ctx.executor().schedule(this::stopRequest, context.config().sendTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        endWritten.addListener(f -> {
            giveUp.cancel(false);
            stopRequest();
        });
    }

    /**
     * Resets the stream with NO_ERROR and closes its channel: what it holds of the body unread (DATA
     * frames in its inbound queue and in the FlowControlHandler, which no read will take now) is
     * released. Left open, it would keep them for good: Netty closes a stream's channel at the stream's
     * end only once its queue is read.
     */
    private void stopRequest() {
        if (!requestStopped) {
            requestStopped = true;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            ctx.close(); // after our RST_STREAM: the close sends none of its own
        }
    }

    @Override
    public void cutOff(Exchange e) {
        exchange = null;
        timeouts.exchangeEnded();
        releaseHeldPiece();
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
        ctx.close();
    }

    @Override
    public void startTunnel(Exchange e, ResponseHead head, Channel backend) {
        throw new IllegalStateException("an HTTP/2 stream cannot upgrade"); // canUpgrade() is false: never asked
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void flush() {
        if (heldPiece != null) {
            ctx.write(new DefaultHttp2DataFrame(heldPiece, false));
            heldPiece = null;
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            timeouts.writabilityChanged(); // the stream's flow-control window, or the connection's socket
            if (ctx.channel().isWritable()) {
                exchange.onClientWritable();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void bodyTimedOut() {
        if (exchange != null) {
            context.metrics().clientTimedOut("body");
            exchange.abortRequest(ExchangeTimeouts.BODY_TIMED_OUT);
        }
    }

    @Override
    public void sendTimedOut() {
        if (exchange != null) {
            context.metrics().clientTimedOut("send");
            releaseHeldPiece();
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            ctx.close(); // the exchange ends as cut off, in channelInactive
        }
    }

    /** A client's RST_STREAM comes as an event; the stream's channel closes right after (channelInactive). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
    }

    private void releaseHeldPiece() {
        if (heldPiece != null) {
            heldPiece.release();
            heldPiece = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timeouts.cancel();
        releaseHeldPiece();
        if (exchange != null) {
            exchange.clientGone(); // reset by the client, or the connection went
            exchange = null;
        }
        ctx.fireChannelInactive();
    }

    /**
     * A stream error (a Content-Length the DATA contradicts, a bad WINDOW_UPDATE): the multiplexer
     * resets the stream with the error's code right after this, and the exchange ends in
     * channelInactive; closing here first would reset it with CANCEL instead.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof Http2Exception)) {
            ctx.close();
        }
    }
}
