package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.ConnectionPool;
import io.gantry.proxy.backend.RoundRobinSelector;
import io.gantry.proxy.tls.TlsOrPlaintext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's side of the proxy. It handles one request at a time (pipelined requests
 * wait, undecoded, in the {@code FlowControlHandler} before it, since the channel reads only when this
 * handler asks): pick a backend, borrow a connection on this event loop, stream the request out and the
 * response back, return the connection. A failure before any response byte moves the request to the
 * next backend when nothing unrepeatable was sent.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    /** Sent through the pipeline to ask a connection to close once it is idle (graceful shutdown). */
    public static final Object DRAIN = new Object();

    /**
     * The name of the client pipeline's response encoder. A backend's response bytes are written through
     * its context, so they pass beneath it untouched; the proxy's own responses are written through it.
     */
    public static final String RAW = "response-encoder";

    private static final byte[] CHUNKED_LINE = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_LINE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_LINE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE_LINES = "Connection: upgrade\r\nUpgrade: ".getBytes(StandardCharsets.US_ASCII);
    private static final short CRLF = ('\r' << 8) | '\n';

    private final ForwardingContext context;
    private final ProxyMetrics metrics;
    /** Whether this connection came over TLS (X-Forwarded-Proto: https, HSTS, no redirect). */
    private final boolean secure;
    private final ChannelFutureListener onConnect = this::onConnect;
    /** Null without an access log: then nothing is recorded or allocated for it. */
    private final AccessLogRecorder accessLog;
    private ConnectionPool pool;
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext raw;
    private String clientAddress;

    // The exchange in progress; request == null between exchanges.
    private HttpRequest request;
    private HttpMethod method;
    private boolean clientHttp11;
    private boolean requestHasBody;
    private boolean requestChunked;
    private boolean requestComplete;
    private boolean bodyForwarded;
    private boolean responseStarted;
    private int responseStatus;
    private boolean backendKeepAlive;
    private boolean closeAfterResponse;
    private boolean awaitingBackendWritable;
    private boolean discardRestOfRequest;
    private int attempts;
    private Backend backend;
    private Channel backendChannel;
    private BackendHandler backendHandler;
    private Object lastFailure;
    /** The write of this attempt's request head: the head counts as sent once it has reached the socket. */
    private ChannelFuture headWrite;
    /**
     * A body piece read while no backend connection is attached (a retry connecting), kept for it.
     * Reading stops until it is passed on, so there is never more than this one.
     */
    private HttpContent heldPiece;
    private boolean readRequested;
    private boolean reusedConnection;
    private boolean freshConnectionOnly;
    private long bodyBytes;
    private String upgradeProtocol;
    private ClientTimeouts timeouts;

    public FrontendHandler(ForwardingContext context) {
        this(context, false);
    }

    /** @param secure the connection came over TLS */
    public FrontendHandler(ForwardingContext context, boolean secure) {
        this.context = context;
        this.metrics = context.metrics();
        this.secure = secure;
        this.accessLog = context.accessLog() == null ? null : new AccessLogRecorder(context);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = context.pool(ctx.channel().eventLoop());
        this.timeouts = ctx.pipeline().get(ClientTimeouts.class);
        this.raw = ctx.pipeline().context(RAW);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.connectionOpened();
        SocketAddress remote = ctx.channel().remoteAddress();
        clientAddress = remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
        if (accessLog != null) {
            accessLog.connected(clientAddress, ctx.pipeline());
        }
        requestRead();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        if (request != null) {
            // Cut off: by the client (499, nginx's "client closed request" when nothing was answered yet),
            // or closed by the proxy after a failure mid-response.
            logExchange(responseStarted ? responseStatus : 499, attempts > 0 ? backend : null);
        }
        // A client that left mid-exchange leaves the backend connection in an unknown state.
        releaseBackend(false);
        dropHeldPiece();
        request = null;
        ctx.fireChannelInactive();
    }

    /** Asks for the next decoded message; see {@link #channelReadComplete}. */
    private void requestRead() {
        readRequested = true;
        ctx.read();
    }

    /**
     * With auto-read off, a read() that the socket's read cycle did not satisfy is spent when the cycle
     * ends (FlowControlHandler drops it then), so a handler still waiting must ask again here.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readRequested) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readRequested = false;
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
        request = req;
        method = req.method();
        if (accessLog != null) {
            // The decoder's stand-in for a request line it could not read is a FullHttpRequest ("GET /bad-request").
            accessLog.started(req instanceof FullHttpRequest ? null : req, System.nanoTime());
        }
        closeAfterResponse = true; // the decoder has lost its place in the byte stream
        respondError(r.status(), r.reason(), null);
    }

    private void onRequest(HttpRequest req) {
        if (accessLog != null) {
            accessLog.started(req, System.nanoTime());
        }
        request = req;
        method = req.method();
        // RFC 9112 §2.3: HTTP/1.2 and up are read as the highest 1.x we implement.
        clientHttp11 = req.protocolVersion().minorVersion() >= 1;
        requestChunked = HttpUtil.isTransferEncodingChunked(req);
        requestHasBody = requestChunked || HttpUtil.getContentLength(req, 0L) > 0;
        requestComplete = false;
        bodyForwarded = false;
        responseStarted = false;
        closeAfterResponse = (clientHttp11 ? req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                : !HttpUtil.isKeepAlive(req)) || context.draining();
        attempts = 0;
        lastFailure = null;
        bodyBytes = 0;
        freshConnectionOnly = false;
        if (timeouts != null) {
            timeouts.headReceived();
        }
        RequestValidator.Rejection rejection = context.validator().check(req);
        if (rejection != null) {
            closeAfterResponse |= rejection.close();
            respondError(rejection.status(), rejection.reason(), null);
            return;
        }
        if (!secure && context.config().httpRedirect() && HttpsRedirect.applies(req)) {
            if (!HttpsRedirect.hasHost(req)) {
                respondError(HttpResponseStatus.BAD_REQUEST, "A Host header is needed to redirect to https.", null);
                return;
            }
            metrics.response(308);
            respond(HttpsRedirect.response(req, context.httpsPort()));
            return;
        }
        upgradeProtocol = HeaderRewriter.upgradeRequested(req) ? req.headers().get(HttpHeaderNames.UPGRADE) : null;
        tryNextBackend();
    }

    private void tryNextBackend() {
        RoundRobinSelector selector = context.backends().selector();
        int size = selector.current().size();
        if (size == 0) {
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "No backend is available for this service right now.", null);
            return;
        }
        if (attempts >= Math.min(context.config().tries(), size)) {
            respondError(HttpResponseStatus.BAD_GATEWAY, "No backend could be reached.", lastFailure);
            return;
        }
        backend = selector.next(attempts == 0 ? null : backend, context.health());
        attempts++;
        headWrite = null;
        if (accessLog != null) {
            accessLog.attemptStarted();
        }
        if (backend == null) { // the set emptied between the two reads
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "No backend is available for this service right now.", null);
            return;
        }
        Channel pooled = freshConnectionOnly ? null : pool.pollIdle(backend);
        reusedConnection = pooled != null;
        if (pooled != null) {
            attach(pooled);
        } else {
            pool.connect(backend).addListener(onConnect);
        }
    }

    private void onConnect(ChannelFuture f) {
        if (request == null || !ctx.channel().isActive()) {
            if (f.isSuccess()) {
                f.channel().close(); // the client left while we connected
            }
            return;
        }
        if (f.isSuccess()) {
            attach(f.channel());
        } else {
            backendFailed(f.cause());
        }
    }

    private void attach(Channel ch) {
        backendChannel = ch;
        backendHandler = ch.pipeline().get(BackendHandler.class);
        backendHandler.attach(this, method == HttpMethod.HEAD, !clientHttp11);
        ch.config().setAutoRead(true);
        // The head waits unflushed for the body's first piece; a connection that dies before then fails
        // this write, and the request counts as never sent (backendFailed). A failure is reported as before.
        headWrite = ch.write(HeaderRewriter.requestHead(ch.alloc(), request, requestChunked, clientAddress, upgradeProtocol,
                secure)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        if (heldPiece != null) {
            HttpContent piece = heldPiece; // read while this connection was being made
            heldPiece = null;
            forward(piece);
        } else if (requestComplete) {
            // A retry of a request without body: its end was already read from the client.
            if (requestChunked) {
                ch.write(ChunkedBody.lastChunk(ch.alloc(), LastHttpContent.EMPTY_LAST_CONTENT), ch.voidPromise());
            }
            ch.flush();
        } else {
            if (HttpUtil.is100ContinueExpected(request)) {
                ch.flush(); // the client waits for "100 Continue" before it sends the body
            }
            requestRead();
        }
    }

    private void onContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // Bad chunk framing mid-body: what was forwarded is cut off, nothing after it is.
            RequestValidator.Rejection r = RequestValidator.decodeFailure(content.decoderResult().cause());
            content.release();
            abortRequest(r);
            return;
        }
        if (discardRestOfRequest || request == null) {
            // The rest of a request already answered without a backend.
            content.release();
            if (content instanceof LastHttpContent) {
                discardRestOfRequest = false;
            }
            requestRead();
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (context.validator().maxBodySize() > 0 && bodyBytes > context.validator().maxBodySize()) {
            content.release();
            abortRequest(context.validator().tooLarge());
            return;
        }
        if (backendChannel == null) {
            // A retry is connecting: the piece waits for its connection (attach), and so does the next read.
            heldPiece = content;
            return;
        }
        forward(content);
    }

    /** Sends a piece of the request body to the attached backend, then asks for the next when there is room. */
    private void forward(HttpContent content) {
        bodyForwarded |= content.content().isReadable();
        writeBody(content);
        if (content instanceof LastHttpContent) {
            requestComplete = true;
            return;
        }
        if (backendChannel.isWritable()) {
            requestRead();
        } else {
            awaitingBackendWritable = true;
        }
    }

    /** Passes a piece of the request body on, framed for the backend, and flushes it. */
    private void writeBody(HttpContent content) {
        Channel ch = backendChannel;
        if (requestChunked) {
            ChunkedBody.writeChunk(ch, content.content()); // the content's one buffer, released when written
            if (content instanceof LastHttpContent last) {
                ch.write(ChunkedBody.lastChunk(ch.alloc(), last), ch.voidPromise()); // trailers are not reference counted
            }
        } else if (content.content().isReadable()) {
            ch.write(content.content(), ch.voidPromise());
        } else {
            content.release();
        }
        ch.flush();
    }

    /** Stops forwarding a request whose body turned out bad: the backend connection is dropped unfinished. */
    private void abortRequest(RequestValidator.Rejection r) {
        releaseBackend(false);
        closeAfterResponse = true;
        if (responseStarted || request == null) {
            ctx.close();
        } else {
            respondError(r.status(), r.reason(), null);
        }
    }

    void onBackendWritable() {
        if (awaitingBackendWritable) {
            awaitingBackendWritable = false;
            requestRead();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && backendChannel != null) {
            backendChannel.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    void onBackendRead(Object msg) {
        if (msg instanceof ResponseHead head) {
            onResponseHead(head);
        } else if (msg == ResponseReader.END || msg == ResponseReader.END_UNCLEAN) {
            finishExchange(msg == ResponseReader.END);
        } else {
            if (accessLog != null) {
                accessLog.sent(((ByteBuf) msg).readableBytes()); // with chunk framing, as nginx's $body_bytes_sent
            }
            raw.write(msg, raw.voidPromise()); // body bytes, as the backend framed them
            if (!ctx.channel().isWritable()) {
                backendChannel.config().setAutoRead(false); // resumed by channelWritabilityChanged
            }
        }
    }

    /** Passes a response head on: the backend's lines, then this hop's framing and Connection lines. */
    private void onResponseHead(ResponseHead head) {
        ByteBuf lines = head.content();
        int status = head.status();
        if (head.informational()) {
            lines.writeShort(CRLF); // 100 Continue and friends: the real response follows
            raw.writeAndFlush(lines, raw.voidPromise());
            return;
        }
        if (status == 101 && upgradeProtocol == null) {
            head.release();
            releaseBackend(false);
            backendFailed("switched protocols though the client did not ask to");
            return;
        }
        responseStarted = true;
        responseStatus = status;
        metrics.response(status);
        context.health().success(backend);
        if (status == 101) {
            startTunnel(head);
            return;
        }
        backendKeepAlive = head.keepAlive();
        boolean chunked = head.framing() == ResponseHead.Framing.CHUNKED;
        if (!requestComplete || head.framing() == ResponseHead.Framing.CLOSE || (chunked && !clientHttp11)) {
            // Answered before the request body was all read (the rest of it cannot be skipped safely),
            // or a body only the connection's close can end for this client.
            closeAfterResponse = true;
        }
        if (chunked && clientHttp11) {
            lines.writeBytes(CHUNKED_LINE);
        }
        if (closeAfterResponse) {
            lines.writeBytes(CLOSE_LINE);
        } else if (!clientHttp11) {
            lines.writeBytes(KEEP_ALIVE_LINE);
        }
        if (secure && context.hstsLine() != null) {
            lines.writeBytes(context.hstsLine());
        }
        lines.writeShort(CRLF);
        raw.write(lines, raw.voidPromise());
    }

    /**
     * The backend accepted the Upgrade: pass the 101 on, then turn both connections into a byte tunnel
     * (HTTP handlers out, {@link TunnelHandler}s in). The backend connection is never pooled again.
     */
    private void startTunnel(ResponseHead head) {
        String protocol = head.upgrade() != null ? head.upgrade() : upgradeProtocol;
        ByteBuf lines = head.content();
        lines.writeBytes(UPGRADE_LINES).writeCharSequence(protocol, StandardCharsets.ISO_8859_1);
        lines.writeShort(CRLF).writeShort(CRLF);
        raw.writeAndFlush(lines, raw.voidPromise());
        Channel front = ctx.channel();
        Channel back = backendChannel;
        backendHandler.detach();
        backendChannel = null;
        backendHandler = null;
        logExchange(101, backend); // when the tunnel opens; its bytes are not counted
        request = null;
        // Encoders out and tunnels in first: removing a decoder passes on the bytes it holds (whatever
        // either side sent right after the upgrade), and those must meet a tunnel and no HTTP encoder.
        ChannelPipeline b = back.pipeline();
        ChannelPipeline p = front.pipeline();
        p.remove(RAW);
        b.addLast("tunnel", new TunnelHandler(front, () -> { }));
        p.addLast("tunnel", new TunnelHandler(back, metrics::connectionClosed));
        p.replace("timeouts", "idle", new IdleStateHandler(0, 0, context.config().clientIdleTimeout().toNanos(),
                TimeUnit.NANOSECONDS)); // a silent tunnel closes like an idle connection
        b.remove("relay");
        b.remove("response-reader");
        p.remove("one-message-per-read");
        p.remove(this);
        p.remove("request-decoder");
        front.config().setAutoRead(true);
        back.config().setAutoRead(true);
    }

    private void finishExchange(boolean clean) {
        boolean reusable = backendKeepAlive && requestComplete && clean;
        releaseBackend(reusable);
        logExchange(responseStatus, backend);
        request = null;
        if (timeouts != null) {
            timeouts.awaitNextHead();
        }
        if (closeAfterResponse) {
            raw.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            raw.flush();
            requestRead();
        }
    }

    void onBackendReadComplete() {
        ctx.flush();
    }

    void onBackendClosed() {
        releaseBackend(false);
        backendFailed("connection closed by backend");
    }

    void onBackendError(Throwable cause) {
        releaseBackend(false);
        backendFailed(cause);
    }

    void onBackendTimeout() {
        releaseBackend(false);
        metrics.backendError();
        context.health().failure(backend, "no response within " + context.config().responseTimeout().toMillis() + " ms");
        if (responseStarted) {
            log.warn("{} {} {} -> {}: backend stopped sending the response for {} ms; closing", clientAddress, method,
                    request.uri(), backend, context.config().responseTimeout().toMillis());
            ctx.close();
        } else {
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, "The backend did not answer in time.",
                    "no response within " + context.config().responseTimeout().toMillis() + " ms");
        }
    }

    private void backendFailed(Object cause) {
        if (request == null) {
            return;
        }
        metrics.backendError();
        lastFailure = cause;
        log.debug("{} {} -> {} failed: {}", method, request.uri(), backend, cause);
        boolean staleConnection = reusedConnection && !responseStarted;
        if (!staleConnection) {
            context.health().failure(backend, describe(cause));
        }
        if (responseStarted) {
            log.warn("{} {} {} -> {}: response cut off: {}", clientAddress, method, request.uri(), backend, describe(cause));
            logExchange(responseStatus, backend);
            ctx.flush();
            ctx.close();
            request = null;
            return;
        }
        boolean headSent = headWrite != null && headWrite.isSuccess();
        boolean nothingUnrepeatableSent = !bodyForwarded && (!headSent || isIdempotent(method));
        if (nothingUnrepeatableSent) {
            if (staleConnection && !freshConnectionOnly) {
                // A pooled connection the backend had closed (the keep-alive race): not the backend's
                // fault and not a try; again, on a new connection.
                attempts--;
                freshConnectionOnly = true;
            }
            tryNextBackend();
        } else {
            respondError(HttpResponseStatus.BAD_GATEWAY, "The backend failed before it answered.", cause);
        }
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }

    private void releaseBackend(boolean reusable) {
        Channel ch = backendChannel;
        if (ch == null) {
            return;
        }
        backendHandler.detach();
        backendChannel = null;
        backendHandler = null;
        awaitingBackendWritable = false;
        if (reusable) {
            pool.release(ch);
        } else {
            ch.close();
        }
    }

    /** Answers the current request from the proxy itself; it is logged once, with its cause. */
    private void respondError(HttpResponseStatus status, String why, Object cause) {
        if (cause != null) {
            log.warn("{} {} {} -> {} ({}): {}", clientAddress, method, request.uri(), status.code(), backend, describe(cause));
        }
        metrics.response(status.code());
        respond(ErrorPages.page(status, why, false));
    }

    private void dropHeldPiece() {
        if (heldPiece != null) {
            heldPiece.release();
            heldPiece = null;
        }
    }

    /** Answers the current request from the proxy itself, keeping the connection when the request allows. */
    private void respond(FullHttpResponse response) {
        dropHeldPiece();
        if (!requestComplete) {
            if (requestHasBody || bodyForwarded) {
                closeAfterResponse = true; // an unread body cannot be skipped safely
            } else {
                discardRestOfRequest = true; // only the empty end of the request is left to read
            }
        }
        request = null;
        if (closeAfterResponse) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (secure && context.hsts() != null) {
            response.headers().set("Strict-Transport-Security", context.hsts());
        }
        if (method == HttpMethod.HEAD) {
            FullHttpResponse withBody = response;
            response = withBody.replace(Unpooled.EMPTY_BUFFER); // the same head, no body
            withBody.release();
        }
        if (accessLog != null) {
            accessLog.sent(response.content().readableBytes());
        }
        logExchange(response.status().code(), null);
        if (closeAfterResponse) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response, ctx.voidPromise());
            if (timeouts != null) {
                timeouts.awaitNextHead();
            }
            requestRead();
        }
    }

    /** Logs the exchange that ends now, answered with {@code status} by {@code by} (null: by the proxy). */
    private void logExchange(int status, Backend by) {
        if (accessLog != null) {
            accessLog.finished(status, by == null ? null : by.address(), bodyBytes, Math.max(attempts - 1, 0));
        }
    }

    /** Logs an answer the proxy gave before any request was read (a header timeout, plain HTTP on the TLS port). */
    private void logAnswerWithoutRequest(int status, int bytesSent, long startNanos) {
        if (accessLog != null) {
            accessLog.started(null, startNanos);
            accessLog.sent(bytesSent);
            accessLog.finished(status, null, 0, 0);
        }
    }

    private static String describe(Object cause) {
        if (cause instanceof Throwable t) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
        return String.valueOf(cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimeouts.EXPIRED) {
            if (request == null) {
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
        if (evt == DRAIN) {
            if (request == null) {
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
