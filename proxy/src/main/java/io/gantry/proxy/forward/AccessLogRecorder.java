package io.gantry.proxy.forward;

import io.gantry.common.HostPort;
import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.accesslog.AccessLogEntry;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;

/**
 * What one client connection's access log lines need beyond what {@link FrontendHandler} keeps anyway:
 * when the exchange and its last attempt started, and the response bytes sent. Made only with an access
 * log; it fills one {@link AccessLogEntry} per exchange from references and numbers, formatting nothing.
 */
final class AccessLogRecorder {

    private final AccessLog log;
    private final String route;
    private final String service;
    private ChannelPipeline pipeline;
    private String client;
    private String tls;
    private boolean tlsKnown;
    // The exchange in progress.
    private HttpRequest request;
    private long startNanos;
    private long attemptNanos;
    private long bytesSent;

    AccessLogRecorder(ForwardingContext context) {
        this.log = context.accessLog();
        this.route = context.route();
        this.service = context.service();
    }

    void connected(String client, ChannelPipeline pipeline) {
        this.client = client;
        this.pipeline = pipeline;
    }

    /**
     * An exchange starts.
     *
     * @param req its request, or null when its request line could not be read
     * @param startNanos when its head arrived ({@link System#nanoTime})
     */
    void started(HttpRequest req, long startNanos) {
        this.request = req;
        this.startNanos = startNanos;
        this.attemptNanos = -1;
        this.bytesSent = 0;
    }

    /** A backend is being tried (a pooled connection taken, or a connect begun). */
    void attemptStarted() {
        attemptNanos = System.nanoTime();
    }

    /** Response body bytes went to the client. */
    void sent(long bytes) {
        bytesSent += bytes;
    }

    /**
     * The exchange ended: its line is queued.
     *
     * @param backend the backend that answered, or null when the proxy did
     * @param bytesReceived the request body bytes read
     * @param retries further backends tried after the first
     */
    void finished(int status, HostPort backend, long bytesReceived, int retries) {
        long now = System.nanoTime();
        HttpRequest req = request;
        request = null;
        HttpHeaders h = req == null ? null : req.headers();
        log.log(new AccessLogEntry(System.currentTimeMillis(), client,
                req == null ? null : req.method().name(),
                req == null ? null : req.uri(),
                req == null ? null : req.protocolVersion().text(),
                h == null ? null : h.get(HttpHeaderNames.AUTHORIZATION),
                status, bytesReceived, bytesSent, now - startNanos,
                backend == null || attemptNanos < 0 ? -1 : now - attemptNanos,
                h == null ? null : h.get(HttpHeaderNames.REFERER),
                h == null ? null : h.get(HttpHeaderNames.USER_AGENT),
                route, service, backend, tls(), retries));
    }

    /** The TLS version of the connection, looked up once (the handshake is over when a request arrives). */
    private String tls() {
        if (!tlsKnown) {
            tlsKnown = true;
            SslHandler ssl = pipeline.get(SslHandler.class);
            tls = ssl == null ? null : ssl.engine().getSession().getProtocol();
        }
        return tls;
    }
}
