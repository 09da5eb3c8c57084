package io.gantry.proxy.forward;

import io.gantry.common.HostPort;
import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.accesslog.AccessLogEntry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * What one exchange's access log line needs beyond what {@link Exchange} keeps anyway: when it and its
 * last attempt started, and the response bytes sent. Made only with an access log; it fills one
 * {@link AccessLogEntry} from references and numbers, formatting nothing.
 */
public final class AccessLogRecorder {

    private final AccessLog log;
    private String route;
    private String service;
    private final ClientStream client;
    private HttpRequest request;
    /** As the client sent it: a route may strip its prefix from the request's. */
    private final String uri;
    private final long startNanos;
    private long attemptNanos = -1;
    private long bytesSent;

    /**
     * @param request the exchange's request, or null when its request line could not be read
     * @param startNanos when its head arrived ({@link System#nanoTime})
     */
    public AccessLogRecorder(ForwardingContext context, ClientStream client, HttpRequest request, long startNanos) {
        this.log = context.accessLog();
        this.client = client;
        this.request = request;
        this.uri = request == null ? null : request.uri();
        this.startNanos = startNanos;
    }

    /** The request line could not be read: the line shows none (the decoder's stand-in is not the client's). */
    void forgetRequest() {
        request = null;
    }

    /** The request took {@code r}. */
    void routed(io.gantry.proxy.route.Route r) {
        route = r.name();
        service = r.service().service();
    }

    /** A backend is being tried (a pooled connection taken, or a connect begun). */
    void attemptStarted() {
        attemptNanos = System.nanoTime();
    }

    /** Response body bytes went to the client. */
    public void sent(long bytes) {
        bytesSent += bytes;
    }

    /**
     * The exchange ended: its line is queued.
     *
     * @param backend the backend that answered, or null when the proxy did
     * @param bytesReceived the request body bytes read
     * @param retries further backends tried after the first
     */
    public void finished(int status, HostPort backend, long bytesReceived, int retries) {
        long now = System.nanoTime();
        HttpRequest req = request;
        request = null;
        HttpHeaders h = req == null ? null : req.headers();
        log.log(new AccessLogEntry(System.currentTimeMillis(), client.clientAddress(),
                req == null ? null : req.method().name(),
                req == null ? null : uri,
                req == null ? null : req.protocolVersion().text(),
                h == null ? null : h.get(HttpHeaderNames.AUTHORIZATION),
                status, bytesReceived, bytesSent, now - startNanos,
                backend == null || attemptNanos < 0 ? -1 : now - attemptNanos,
                h == null ? null : h.get(HttpHeaderNames.REFERER),
                h == null ? null : h.get(HttpHeaderNames.USER_AGENT),
                route, service, backend, client.tlsProtocol(), retries));
    }
}
