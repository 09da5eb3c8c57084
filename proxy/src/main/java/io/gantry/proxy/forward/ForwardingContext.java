package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.route.Routes;
import io.gantry.proxy.backend.BackendTlsContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every client connection's exchanges share: the settings, the live routes (and through them
 * the services' backends and their passive health), the request validator, the metrics, the TLS context backends are reached with,
 * and per event loop that loop's own connection pool.
 */
public final class ForwardingContext {

    /** Sent through a client pipeline to ask its connection to close once it is idle (graceful shutdown). */
    public static final Object DRAIN = new Object();

    private final ProxyConfig config;
    private final Routes routes;
    private final ProxyMetrics metrics;
    private final Bootstrap backendBootstrap;
    private final RequestValidator validator;
    private final BackendTlsContext backendTls;
    private final Map<EventLoop, BackendConnections> connections = new ConcurrentHashMap<>();
    private volatile boolean draining;
    private final String hsts;
    private final byte[] hstsLine;
    private volatile int httpsPort = 443;
    private final AccessLog accessLog;

    /**
     * @param backendBootstrap channel type and options for backend connections; each event loop's pool
     *     clones it onto that loop
     * @throws IllegalArgumentException when the {@code --backend-ca} file is not readable PEM
     */
    public ForwardingContext(ProxyConfig config, BackendGroup backends, ProxyMetrics metrics, Bootstrap backendBootstrap) {
        this(config, backends, metrics, backendBootstrap, null);
    }

    /** Every request to {@code backends}, the one service of a catch-all route. */
    public ForwardingContext(ProxyConfig config, BackendGroup backends, ProxyMetrics metrics, Bootstrap backendBootstrap,
            AccessLog accessLog) {
        this(config, Routes.catchAll(backends, config.routeDefaults()), metrics, backendBootstrap, accessLog);
    }

    /** @param accessLog where each finished request is logged, or null for no access log */
    public ForwardingContext(ProxyConfig config, Routes routes, ProxyMetrics metrics, Bootstrap backendBootstrap,
            AccessLog accessLog) {
        this.config = config;
        this.accessLog = accessLog;
        this.routes = routes;
        this.metrics = metrics;
        this.backendBootstrap = backendBootstrap;
        this.validator = new RequestValidator(config.maxHeaderCount());
        this.hsts = config.hsts() == null ? null : "max-age=" + config.hsts().toSeconds();
        this.hstsLine = hsts == null ? null : ("Strict-Transport-Security: " + hsts + "\r\n").getBytes(StandardCharsets.US_ASCII);
        // A static list is all TLS or none; any etcd value may say {"tls":true}, or none ever will.
        this.backendTls = config.backendTls() ? BackendTlsContext.create(config.backendCa(), config.connectTimeout())
                : config.etcd() != null ? BackendTlsContext.createInBackground(config.backendCa(), config.connectTimeout())
                : null;
    }

    /** The {@code Strict-Transport-Security} value for HTTPS responses, or null for none. */
    public String hsts() {
        return hsts;
    }

    /** The same as a header line (CRLF included), for response heads written as bytes. */
    public byte[] hstsLine() {
        return hstsLine;
    }

    /** The HTTPS listener's port, where {@code --http-redirect} sends clients. */
    int httpsPort() {
        return httpsPort;
    }

    /** Set once the HTTPS listener is bound (its port may have been 0). */
    public void httpsPort(int port) {
        httpsPort = port;
    }

    public RequestValidator validator() {
        return validator;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Where a request's route is found. */
    public Routes routes() {
        return routes;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Whether the proxy is shutting down: connections close after their current response. */
    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    /** Where finished requests are logged, or null without an access log. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** The backend connections owned by {@code loop}: only that loop's thread may use them. */
    public BackendConnections connections(EventLoop loop) {
        return connections.computeIfAbsent(loop, l -> new BackendConnections(config, backendBootstrap, l, backendTls,
                metrics.pooledIdle()));
    }
}
