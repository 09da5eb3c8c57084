package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.route.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the proxy, whichever protocol its client speaks: it validates the request,
 * finds its {@link Route}, has the route's balancer pick a backend, makes one {@link Attempt} per try, streams the body out and the response back
 * through its {@link ClientStream}, and after a failure asks the {@link RetryPolicy} what next. Its
 * progress is one {@link Phase}. Owned by its client's event loop; the protocol adapters feed it
 * ({@link #onRequestBody}) and the attempts report to it.
 */
public final class Exchange {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    /** The version an HTTP/2 client's requests carry here: the access log's {@code HTTP/2.0}. */
    public static final HttpVersion HTTP_2 = HttpVersion.valueOf("HTTP/2.0");

    /** Where an exchange is. */
    public enum Phase {
        /** A backend is being picked, or a connection to it made: body pieces wait. */
        CONNECTING,
        /** The request goes to the attempt's backend; no response yet. */
        FORWARDING,
        /** The backend's response is being passed on. */
        RESPONDING,
        /** Answered, cut off or abandoned: whatever comes later is dropped. */
        DONE
    }

    private final ForwardingContext context;
    private final ProxyMetrics metrics;
    private final ClientStream client;
    private final HttpRequest request;
    private final HttpMethod method;
    private final boolean chunked;
    private final boolean hasBody;
    private final String upgrade;
    /** Null without an access log: then nothing is recorded or allocated for it. */
    private final AccessLogRecorder accessLog;

    private Phase phase = Phase.CONNECTING;
    private boolean requestComplete;
    private boolean bodyForwarded;
    private long bodyBytes;
    /**
     * A body piece read while no backend connection is attached (a retry connecting), kept for it.
     * Reading stops until it is passed on, so there is never more than this one.
     */
    private HttpContent heldPiece;
    private boolean awaitingBackendWritable;
    private int attempts;
    private boolean newConnectionsOnly;
    private Attempt attempt;
    /** Null until the request is routed; then it stays, whatever etcd says meanwhile. */
    private Route route;
    private Endpoint endpoint;
    private Backend backend;
    /** The endpoint's load counts this exchange's attempt in flight. */
    private boolean inFlight;
    /** A sticky session's cookie for the response, or null. */
    private String responseCookie;
    private Object lastFailure;
    private int responseStatus;
    private boolean backendKeepAlive;

    /**
     * @param request the decoded head; its body follows through {@link #onRequestBody}, ended by a
     *     {@link LastHttpContent} (an empty one for a request without body)
     * @param chunked the body's length is not known: it goes to an HTTP/1.1 backend chunked
     * @param hasBody the request has a body (its length is given, above zero, or it is chunked)
     * @param startNanos when the head arrived ({@link System#nanoTime})
     */
    public Exchange(ForwardingContext context, ClientStream client, HttpRequest request, boolean chunked, boolean hasBody,
            long startNanos) {
        this.context = context;
        this.metrics = context.metrics();
        this.client = client;
        this.request = request;
        this.method = request.method();
        this.chunked = chunked;
        this.hasBody = hasBody;
        this.upgrade = client.canUpgrade() ? IntermediaryRules.upgradeOffer(request) : null;
        this.accessLog = context.accessLog() == null ? null : new AccessLogRecorder(context, client, request, startNanos);
    }

    /** An exchange for a request the decoder could not read: it is only ever refused. */
    public static Exchange unreadable(ForwardingContext context, ClientStream client, HttpRequest standIn, boolean logRequest) {
        Exchange e = new Exchange(context, client, standIn, false, false, System.nanoTime());
        if (e.accessLog != null && !logRequest) {
            e.accessLog.forgetRequest();
        }
        return e;
    }

    // --- the request ------------------------------------------------------------------------------

    /** Validates the request, answers it from the proxy when it must (a refusal, an HTTPS redirect), else forwards it. */
    public void start() {
        RequestValidator.Rejection rejection = context.validator().check(request);
        if (rejection != null) {
            refuse(rejection);
            return;
        }
        if (IntermediaryRules.maxForwardsReached(request)) {
            answerAsFinalRecipient();
            return;
        }
        if (!client.secure() && context.config().httpRedirect() && HttpsRedirect.applies(request)) {
            if (!HttpsRedirect.hasHost(request)) {
                respondError(HttpResponseStatus.BAD_REQUEST, "A Host header is needed to redirect to https.", null);
                return;
            }
            metrics.response(308);
            respond(HttpsRedirect.response(request, context.httpsPort()), false);
            return;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        route = context.routes().match(host, request.uri());
        if (route == null) {
            metrics.response(404);
            respond(ErrorPages.page(HttpResponseStatus.NOT_FOUND, host == null ? "No route takes requests without a Host."
                    : "No route takes " + host + request.uri().replaceFirst("[?#].*", "") + " here.", false), false);
            return;
        }
        if (accessLog != null) {
            accessLog.routed(route);
        }
        RequestValidator.Rejection tooLarge = RequestValidator.checkLength(request, route.maxBody());
        if (tooLarge != null) {
            refuse(tooLarge);
            return;
        }
        if (route.stripPrefix()) {
            String uri = request.uri();
            request.setUri(route.backendUri(uri));
            if (!uri.equals(request.uri())) {
                request.headers().set("X-Forwarded-Prefix", route.path().endsWith("/") && route.path().length() > 1
                        ? route.path().substring(0, route.path().length() - 1) : route.path());
            }
        }
        tryNextBackend();
    }

    /** Answers with {@code r}'s status and reason; the client's connection closes after when {@code r} says so. */
    public void refuse(RequestValidator.Rejection r) {
        metrics.response(r.status().code());
        respond(ErrorPages.page(r.status(), r.reason(), false), r.close());
    }

    /** The next piece of the request body, asked for with {@link ClientStream#readRequestBody}. */
    public void onRequestBody(HttpContent content) {
        if (phase == Phase.DONE) {
            content.release();
            return;
        }
        bodyBytes += content.content().readableBytes();
        long maxBody = route == null ? 0 : route.maxBody();
        if (maxBody > 0 && bodyBytes > maxBody) {
            content.release();
            abortRequest(RequestValidator.tooLarge(maxBody));
            return;
        }
        if (phase == Phase.CONNECTING) {
            heldPiece = content; // the next read waits too, until the connection is attached
            return;
        }
        forward(content);
    }

    private void forward(HttpContent content) {
        bodyForwarded |= content.content().isReadable();
        boolean last = content instanceof LastHttpContent;
        requestComplete |= last;
        Attempt a = attempt;
        a.sendBody(content);
        if (last || a != attempt) {
            return; // a != attempt: the write failed at once (a connection closing, not yet inactive), and the exchange moved on
        }
        if (attempt.isWritable()) {
            client.readRequestBody();
        } else {
            awaitingBackendWritable = true;
        }
    }

    /**
     * Stops forwarding a request whose body turned out bad or too large: the attempt is dropped
     * unfinished, and the client is told why, or cut off when its response has begun.
     */
    public void abortRequest(RequestValidator.Rejection r) {
        if (phase == Phase.DONE) {
            client.cutOff(this);
            return;
        }
        releaseAttempt(false);
        if (phase == Phase.RESPONDING) {
            finish(responseStatus, backend);
            client.cutOff(this);
        } else {
            refuse(new RequestValidator.Rejection(r.status(), r.reason(), true));
        }
    }

    /** The client can take more: the backend's response is read again. */
    public void onClientWritable() {
        if (attempt != null) {
            attempt.resumeResponse();
        }
    }

    /** The client went away: the exchange ends where it is, and logs as cut off when it had not ended. */
    public void clientGone() {
        if (phase != Phase.DONE) {
            // 499 is nginx's "client closed request", when nothing was answered yet.
            finish(phase == Phase.RESPONDING ? responseStatus : 499, attempts > 0 ? backend : null);
        }
        releaseAttempt(false); // a backend connection left mid-exchange is in an unknown state
        dropHeldPiece();
    }

    // --- attempts ---------------------------------------------------------------------------------

    private void tryNextBackend() {
        int size = route.service().current().size();
        if (size == 0) {
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "No backend is available for this service right now.", null);
            return;
        }
        if (!RetryPolicy.mayTryAnother(attempts, route.tries(), size)) {
            respondError(HttpResponseStatus.BAD_GATEWAY, "No backend could be reached.", lastFailure);
            return;
        }
        Endpoint picked = route.balancer().pick(request, client.clientAddress(), attempts == 0 ? null : endpoint, route.service().health());
        attempts++;
        if (accessLog != null) {
            accessLog.attemptStarted();
        }
        if (picked == null) { // the set emptied between the two reads
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "No backend is available for this service right now.", null);
            return;
        }
        endpoint = picked;
        backend = picked.backend();
        picked.load().started();
        inFlight = true;
        phase = Phase.CONNECTING;
        attempt = client.backendConnections().attempt(this, backend, newConnectionsOnly);
        attempt.start();
    }

    /** The attempt's request is no longer in flight on its endpoint (for {@code least_request}). */
    private void leaveEndpoint() {
        if (inFlight) {
            inFlight = false;
            endpoint.load().ended();
        }
    }

    /** {@code a} has a connection (or stream) and takes the request now. */
    public void attemptReady(Attempt a) {
        if (a != attempt || phase == Phase.DONE) {
            a.release(false); // the client left, or was answered, while it connected
            return;
        }
        phase = Phase.FORWARDING;
        a.sendHead();
        if (heldPiece != null) {
            HttpContent piece = heldPiece; // read while this connection was being made
            heldPiece = null;
            forward(piece);
        } else if (requestComplete) {
            a.sendBody(LastHttpContent.EMPTY_LAST_CONTENT); // a retry: the request's (empty) end was read before
        } else {
            if (HttpUtil.is100ContinueExpected(request)) {
                a.flush(); // the client waits for "100 Continue" before it sends the body
            }
            client.readRequestBody();
        }
    }

    /** The backend can take more of the request body. */
    public void onBackendWritable(Attempt a) {
        if (a == attempt && awaitingBackendWritable) {
            awaitingBackendWritable = false;
            client.readRequestBody();
        }
    }

    /** A response head from {@code a}'s backend: an informational one, or the final one. */
    public void onResponseHead(Attempt a, ResponseHead head) {
        if (a != attempt || phase == Phase.DONE) {
            head.release();
            return;
        }
        int status = head.status();
        if (head.informational()) { // 100 Continue and friends: the real response follows
            if (!IntermediaryRules.takesInterim(request.protocolVersion())) {
                head.release();
                return;
            }
            client.writeHead(this, head);
            if (!client.isWritable()) {
                a.pauseResponse(); // a flood of them waits for the client, as a body does
            }
            return;
        }
        if (status == 101 && !IntermediaryRules.switchAccepted(upgrade, head.upgrade())) {
            head.release();
            attemptFailed(a, upgrade == null ? "switched protocols though the client did not ask to"
                    : "switched to '" + head.upgrade() + "', which the client did not offer");
            return;
        }
        phase = Phase.RESPONDING;
        responseStatus = status;
        metrics.response(status);
        route.service().health().success(backend);
        responseCookie = route.balancer().cookieFor(endpoint, request);
        if (status == 101) {
            startTunnel(a, head);
            return;
        }
        backendKeepAlive = head.keepAlive();
        client.writeHead(this, head);
    }

    /** The backend accepted the Upgrade: the 101 goes on and both connections become a tunnel. */
    private void startTunnel(Attempt a, ResponseHead head) {
        attempt = null;
        leaveEndpoint(); // a tunnel is not a request in flight
        finish(101, backend); // logged when the tunnel opens; its bytes are not counted
        client.startTunnel(this, head, a.detachForTunnel());
    }

    /** A piece of the response body, framed as {@link ResponseHead#chunkFramed} says. */
    public void onResponseBody(Attempt a, ByteBuf piece) {
        if (a != attempt || phase != Phase.RESPONDING) {
            piece.release();
            return;
        }
        if (accessLog != null) {
            accessLog.sent(piece.readableBytes()); // with chunk framing, as nginx's $body_bytes_sent
        }
        client.writeBody(piece);
        if (!client.isWritable()) {
            a.pauseResponse(); // resumed by onClientWritable
        }
    }

    /** The backend read what it had for now: what was passed on goes out. */
    public void onBackendReadComplete(Attempt a) {
        if (a == attempt) {
            client.flush();
        }
    }

    /**
     * The response ended.
     *
     * @param trailers its trailer fields when they are not among the body bytes; null for none
     * @param clean nothing came after it: the connection may serve another request
     */
    public void onResponseEnd(Attempt a, HttpHeaders trailers, boolean clean) {
        if (a != attempt || phase != Phase.RESPONDING) {
            return;
        }
        releaseAttempt(backendKeepAlive && requestComplete && clean);
        finish(responseStatus, backend);
        client.writeEnd(this, trailers);
    }

    /** {@code a} failed: connect refused, connection closed or reset, a response that could not be read. */
    public void attemptFailed(Attempt a, Object cause) {
        if (a != attempt || phase == Phase.DONE) {
            return;
        }
        releaseAttempt(false);
        metrics.backendError();
        lastFailure = cause;
        log.debug("{} {} -> {} failed: {}", method, request.uri(), backend, cause);
        boolean responding = phase == Phase.RESPONDING;
        RetryPolicy.Failure failure = new RetryPolicy.Failure(a.reused(), newConnectionsOnly, a.headSent(), bodyForwarded,
                RetryPolicy.isIdempotent(method), a.unprocessed());
        if (responding || !failure.notTheBackendsFault()) {
            route.service().health().failure(backend, describe(cause));
        }
        if (responding) {
            log.warn("{} {} {} -> {}: response cut off: {}", client.clientAddress(), method, request.uri(), backend,
                    describe(cause));
            finish(responseStatus, backend);
            client.flush();
            client.cutOff(this);
            return;
        }
        switch (RetryPolicy.afterFailure(failure)) {
            case AGAIN_ON_NEW_CONNECTION -> {
                attempts--; // the keep-alive race, or a request the backend declined unseen: not a try
                newConnectionsOnly = true;
                tryNextBackend();
            }
            case NEXT_BACKEND -> tryNextBackend();
            case GIVE_UP -> respondError(HttpResponseStatus.BAD_GATEWAY, "The backend failed before it answered.", cause);
        }
    }

    /** {@code a}'s backend sent nothing for the response timeout. */
    public void onBackendTimeout(Attempt a) {
        if (a != attempt || phase == Phase.DONE) {
            return;
        }
        releaseAttempt(false);
        metrics.backendError();
        long ms = route.timeout().toMillis();
        route.service().health().failure(backend, "no response within " + ms + " ms");
        if (phase == Phase.RESPONDING) {
            log.warn("{} {} {} -> {}: backend stopped sending the response for {} ms; closing", client.clientAddress(), method,
                    request.uri(), backend, ms);
            finish(responseStatus, backend);
            client.cutOff(this);
        } else {
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, "The backend did not answer in time.", "no response within " + ms + " ms");
        }
    }

    private void releaseAttempt(boolean reusable) {
        Attempt a = attempt;
        if (a != null) {
            attempt = null;
            awaitingBackendWritable = false;
            a.release(reusable);
        }
        leaveEndpoint();
    }

    // --- answers from the proxy -------------------------------------------------------------------

    /**
     * Answers an OPTIONS or TRACE whose Max-Forwards ran out, as its final recipient (RFC 9110 §7.6.2):
     * OPTIONS with 200 and what this hop allows; TRACE with 405, since the proxy reflects no request.
     */
    private void answerAsFinalRecipient() {
        boolean options = method.equals(HttpMethod.OPTIONS);
        HttpResponseStatus status = options ? HttpResponseStatus.OK : HttpResponseStatus.METHOD_NOT_ALLOWED;
        FullHttpResponse response = ErrorPages.page(status, options ? "Max-Forwards reached 0 at this proxy."
                : "TRACE is not reflected here.", false);
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");
        metrics.response(status.code());
        respond(response, false);
    }

    /** Answers from the proxy itself; it is logged once, with its cause. */
    private void respondError(HttpResponseStatus status, String why, Object cause) {
        if (cause != null) {
            log.warn("{} {} {} -> {} ({}): {}", client.clientAddress(), method, request.uri(), status.code(), backend,
                    describe(cause));
        }
        metrics.response(status.code());
        respond(ErrorPages.page(status, why, false), false);
    }

    private void respond(FullHttpResponse response, boolean close) {
        releaseAttempt(false);
        dropHeldPiece();
        if (client.secure() && context.hsts() != null) {
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
        finish(response.status().code(), null);
        client.respond(this, response, close);
    }

    /** The exchange ends, answered with {@code status} by {@code by} (null: by the proxy): it is logged. */
    private void finish(int status, Backend by) {
        phase = Phase.DONE;
        if (accessLog != null) {
            accessLog.finished(status, by == null ? null : by.address(), bodyBytes, Math.max(attempts - 1, 0));
        }
    }

    private void dropHeldPiece() {
        if (heldPiece != null) {
            heldPiece.release();
            heldPiece = null;
        }
    }

    // --- what the adapters read -------------------------------------------------------------------

    public HttpRequest request() {
        return request;
    }

    public HttpMethod method() {
        return method;
    }

    public Phase phase() {
        return phase;
    }

    public ClientStream client() {
        return client;
    }

    /** Whether the body goes to an HTTP/1.1 backend chunked (its length is not known). */
    public boolean requestChunked() {
        return chunked;
    }

    /** Whether the request has a body at all. */
    public boolean requestHasBody() {
        return hasBody;
    }

    /** Whether the request's last piece has been read from the client. */
    public boolean requestComplete() {
        return requestComplete;
    }

    /** Whether any body bytes went to a backend. */
    public boolean bodyForwarded() {
        return bodyForwarded;
    }

    /** The protocol the client asks to switch to, kept for the backend; null for none. */
    public String upgrade() {
        return upgrade;
    }

    /** The route the request took, or null before it is routed (or when it was refused first). */
    public Route route() {
        return route;
    }

    /** How long the backend may stay silent while this request waits: its route's timeout. */
    public long responseTimeoutNanos() {
        return route.timeout().toNanos();
    }

    /**
     * A {@code Set-Cookie} value the response carries besides the backend's (a sticky session's), or
     * null; known once the response head arrived.
     */
    public String responseCookie() {
        return responseCookie;
    }

    /** The backend of the attempt in progress, or of the last one. */
    public Backend backend() {
        return backend;
    }

    static String describe(Object cause) {
        if (cause instanceof Throwable t) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
        return String.valueOf(cause);
    }
}
