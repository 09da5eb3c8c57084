package io.gantry.proxy.forward.h1;

import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.forward.AccessLogRecorder;
import io.gantry.proxy.forward.BackendConnections;
import io.gantry.proxy.forward.ClientStream;
import io.gantry.proxy.forward.ClientTimeouts;
import io.gantry.proxy.forward.ErrorPages;
import io.gantry.proxy.forward.Exchange;
import io.gantry.proxy.forward.ExchangeTimeouts;
import io.gantry.proxy.forward.PacedReads;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.RequestValidator;
import io.gantry.proxy.forward.ResponseHead;
import io.gantry.proxy.tls.TlsOrPlaintext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 client connection's adapter: it reads one request at a time (pipelined requests wait,
 * undecoded, in the {@code FlowControlHandler} before it, since the channel reads only when this
 * handler asks), gives each to an {@link Exchange}, and writes what the exchange passes back with
 * HTTP/1.1's wire rules: a backend's response bytes through as they came, beneath the encoder; this
 * hop's framing and Connection lines; whether the connection stays open after.
 */
public final class Http1Connection extends ChannelInboundHandlerAdapter implements ClientStream, ExchangeTimeouts.Expiry {

    private static final Logger log = LoggerFactory.getLogger(Http1Connection.class);

    /**
     * The name of the client pipeline's response encoder. A backend's response bytes are written through
     * its context, so they pass beneath it untouched; the proxy's own responses are written through it.
     */
    public static final String RAW = "response-encoder";

    private static final byte[] CHUNKED_LINE = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_LINE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_LINE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final short CRLF = ('\r' << 8) | '\n';

    private final ForwardingContext context;
    private final ProxyMetrics metrics;
    /** Whether this connection came over TLS (X-Forwarded-Proto: https, HSTS, no redirect). */
    private final boolean secure;
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext raw;
    private ClientTimeouts timeouts;
    /** Made when first needed: most connections never wait on a body or a reader (an idle one costs less). */
    private ExchangeTimeouts exchangeTimeouts;
    private String clientAddress;
    private String tlsProtocol;
    private boolean tlsKnown;
    private PacedReads reads;
    private BackendConnections backendConnections;

    // The exchange in progress, and this hop's facts about it; all set when its request arrives.
    private Exchange exchange;
    private boolean clientHttp11;
    private boolean closeAfterResponse;
    /** The body of a request answered without it is read and dropped, up to its end. */
    private boolean discardRestOfRequest;
    /** The response body comes as plain data and this hop frames it in chunks. */
    private boolean chunkingResponse;

    /** @param secure the connection came over TLS */
    public Http1Connection(ForwardingContext context, boolean secure) {
        this.context = context;
        this.metrics = context.metrics();
        this.secure = secure;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timeouts = ctx.pipeline().get(ClientTimeouts.class);
        this.raw = ctx.pipeline().context(RAW);
        this.reads = new PacedReads(ctx);
        this.backendConnections = context.connections(ctx.channel().eventLoop());
        if (ctx.channel().isActive()) {
            start(); // added once the protocol was chosen (ALPN, or the first bytes with --h2c)
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        clientAddress = PacedReads.clientAddress(ctx.channel().remoteAddress());
        reads.request();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchangeTimeouts != null) {
            exchangeTimeouts.cancel();
        }
        if (exchange != null) {
            exchange.clientGone();
            exchange = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.readComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads.delivered();
        if (msg instanceof HttpRequest req) {
            if (req.decoderResult().isFailure()) {
                onMalformedRequest(req);
                return;
            }
            onRequest(req);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        }
    }

    private void onMalformedRequest(HttpRequest req) {
        RequestValidator.Rejection r = RequestValidator.decodeFailure(req.decoderResult().cause());
        ReferenceCountUtil.release(req);
        startExchange(req);
        closeAfterResponse = true; // the decoder has lost its place in the byte stream
        // The decoder's stand-in for a request line it could not read is a FullHttpRequest ("GET /bad-request").
        exchange = Exchange.unreadable(context, this, req, !(req instanceof FullHttpRequest));
        exchange.refuse(r);
    }

    private void onRequest(HttpRequest req) {
        long start = System.nanoTime();
        startExchange(req);
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        exchange = new Exchange(context, this, req, chunked, chunked || HttpUtil.getContentLength(req, 0L) > 0, start);
        exchange.start();
    }

    /** This hop's facts about a new exchange, all set in this one place. */
    private void startExchange(HttpRequest req) {
        // RFC 9112 §2.3: HTTP/1.2 and up are read as the highest 1.x we implement.
        clientHttp11 = req.protocolVersion().minorVersion() >= 1;
        closeAfterResponse = (clientHttp11 ? req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                : !HttpUtil.isKeepAlive(req)) || context.draining();
        discardRestOfRequest = false;
        chunkingResponse = false;
        if (timeouts != null) {
            timeouts.headReceived();
        }
    }

    private void onContent(HttpContent content) {
        if (exchangeTimeouts != null) {
            exchangeTimeouts.bodyArrived();
        }
        if (content.decoderResult().isFailure()) {
            // Bad chunk framing mid-body: what was forwarded is cut off, nothing after it is.
            RequestValidator.Rejection r = RequestValidator.decodeFailure(content.decoderResult().cause());
            content.release();
            closeAfterResponse = true;
            if (exchange == null) {
                ctx.close();
            } else {
                exchange.abortRequest(r);
            }
            return;
        }
        if (discardRestOfRequest || exchange == null) {
            // The rest of a request already answered without a backend.
            content.release();
            if (content instanceof LastHttpContent) {
                discardRestOfRequest = false;
            }
            reads.request();
            return;
        }
        exchange.onRequestBody(content);
    }

    // --- ClientStream: what the exchange asks of this connection ----------------------------------

    @Override
    public BackendConnections backendConnections() {
        return backendConnections;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public String tlsProtocol() {
        if (!tlsKnown) { // looked up once: the handshake is over when a request arrives
            tlsKnown = true;
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            tlsProtocol = ssl == null ? null : ssl.engine().getSession().getProtocol();
        }
        return tlsProtocol;
    }

    @Override
    public boolean takesChunkFraming() {
        return clientHttp11;
    }

    @Override
    public boolean canUpgrade() {
        return true;
    }

    @Override
    public void readRequestBody() {
        if (exchange != null && exchange.requestHasBody()) { // without one, its end is already decoded
            exchangeTimeouts().awaitingBody();
        }
        reads.request();
    }

    /** Passes a response head on: the backend's lines, then this hop's framing and Connection lines. */
    @Override
    public void writeHead(Exchange e, ResponseHead head) {
        ByteBuf lines = head.content();
        if (head.informational()) {
            lines.writeShort(CRLF);
            raw.writeAndFlush(lines, raw.voidPromise());
            return;
        }
        boolean chunked = head.framing() == ResponseHead.Framing.CHUNKED;
        if (!e.requestComplete() || head.framing() == ResponseHead.Framing.CLOSE || (chunked && !clientHttp11)) {
            // Answered before the request body was all read (the rest of it cannot be skipped safely),
            // or a body only the connection's close can end for this client.
            closeAfterResponse = true;
        }
        if (chunked && clientHttp11) {
            lines.writeBytes(CHUNKED_LINE);
            chunkingResponse = !head.chunkFramed(); // from an HTTP/2 backend: this hop frames the chunks
        }
        if (closeAfterResponse) {
            lines.writeBytes(CLOSE_LINE);
        } else if (!clientHttp11) {
            lines.writeBytes(KEEP_ALIVE_LINE);
        }
        if (secure && context.hstsLine() != null) {
            lines.writeBytes(context.hstsLine());
        }
        if (e.responseCookie() != null) {
            lines.writeCharSequence("Set-Cookie: ", StandardCharsets.US_ASCII);
            lines.writeCharSequence(e.responseCookie(), StandardCharsets.US_ASCII);
            lines.writeShort(CRLF);
        }
        lines.writeShort(CRLF);
        wrote(lines.readableBytes());
        raw.write(lines, raw.voidPromise());
    }

    private void wrote(int bytes) {
        if (exchangeTimeouts != null) {
            exchangeTimeouts.written(bytes);
        }
    }

    @Override
    public void writeBody(ByteBuf piece) {
        wrote(piece.readableBytes());
        if (chunkingResponse) {
            ChunkedBody.writeChunk(raw, piece);
        } else {
            raw.write(piece, raw.voidPromise()); // body bytes, as the backend framed them
        }
    }

    @Override
    public void writeEnd(Exchange e, HttpHeaders trailers) {
        if (chunkingResponse) {
            raw.write(ChunkedBody.lastChunk(ctx.alloc(), trailers), raw.voidPromise());
        }
        exchangeEnded();
        if (closeAfterResponse) {
            raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            raw.flush();
            reads.request();
        }
    }

    /** Answers the current request from the proxy itself, keeping the connection when the request allows. */
    @Override
    public void respond(Exchange e, FullHttpResponse response, boolean close) {
        closeAfterResponse |= close;
        if (!e.requestComplete()) {
            if (e.requestHasBody() || e.bodyForwarded()) {
                closeAfterResponse = true; // an unread body cannot be skipped safely
            } else {
                discardRestOfRequest = true; // only the empty end of the request is left to read
            }
        }
        if (closeAfterResponse) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        exchangeEnded();
        if (closeAfterResponse) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response, ctx.voidPromise());
            reads.request();
        }
    }

    private void exchangeEnded() {
        exchange = null;
        if (exchangeTimeouts != null) {
            exchangeTimeouts.exchangeEnded();
        }
        if (timeouts != null) {
            timeouts.awaitNextHead();
        }
    }

    @Override
    public void cutOff(Exchange e) {
        exchange = null;
        if (exchangeTimeouts != null) {
            exchangeTimeouts.exchangeEnded();
        }
        ctx.flush();
        ctx.close();
    }

    @Override
    public void startTunnel(Exchange e, ResponseHead head, Channel backend) {
        exchange = null;
        if (exchangeTimeouts != null) {
            exchangeTimeouts.cancel(); // a tunnel's two sides pace each other
        }
        Tunnel.open(ctx, raw, head, e.upgrade(), backend, context, this);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchangeTimeouts().writabilityChanged();
            if (ctx.channel().isWritable()) {
                exchange.onClientWritable();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private ExchangeTimeouts exchangeTimeouts() {
        if (exchangeTimeouts == null) {
            exchangeTimeouts = new ExchangeTimeouts(ctx.channel(), context.config().clientBodyTimeout(),
                    context.config().sendTimeout(), this);
        }
        return exchangeTimeouts;
    }

    @Override
    public void bodyTimedOut() {
        if (exchange != null) {
            metrics.clientTimedOut("body");
            exchange.abortRequest(ExchangeTimeouts.BODY_TIMED_OUT);
        }
    }

    @Override
    public void sendTimedOut() {
        if (exchange != null) {
            log.debug("client connection {} took none of its response for the send timeout: dropped", ctx.channel());
            metrics.clientTimedOut("send");
            ctx.close(); // the exchange ends as cut off, in channelInactive
        }
    }

    // --- the connection's own events --------------------------------------------------------------

    /** Logs an answer the proxy gave before any request was read (a header timeout, plain HTTP on the TLS port). */
    private void logAnswerWithoutRequest(int status, int bytesSent, long startNanos) {
        if (context.accessLog() != null) {
            AccessLogRecorder line = new AccessLogRecorder(context, this, null, startNanos);
            line.sent(bytesSent);
            line.finished(status, null, 0, 0);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimeouts.EXPIRED) {
            if (exchange == null) {
                metrics.clientTimedOut("header");
                metrics.response(408);
                FullHttpResponse page = ErrorPages.page(HttpResponseStatus.REQUEST_TIMEOUT, "The request took too long to arrive.", true);
                // The head began a header timeout ago; its request line, if any, is not known.
                logAnswerWithoutRequest(408, page.content().readableBytes(),
                        System.nanoTime() - context.config().clientHeaderTimeout().toNanos());
                ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (evt instanceof TlsOrPlaintext.PlainHttpAnswered answered) { // plain HTTP on the HTTPS port, answered there
            logAnswerWithoutRequest(answered.status(), answered.bodyBytes(), System.nanoTime());
            return;
        }
        if (evt == ForwardingContext.DRAIN) {
            if (exchange == null) {
                ctx.close();
            } else {
                closeAfterResponse = true;
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
