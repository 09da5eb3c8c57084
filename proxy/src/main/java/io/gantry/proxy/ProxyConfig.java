package io.gantry.proxy;

import io.gantry.common.Durations;
import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.accesslog.AccessLogFormat;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.balance.Policy;
import io.gantry.proxy.route.RouteSettings;
import io.gantry.proxy.server.Transport;
import io.gantry.proxy.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the proxy is told, immutable. {@link #builder()} holds every default in one place; the
 * command line and config file only override them.
 *
 * @param listen where clients connect over cleartext HTTP, or null for an HTTPS listener alone
 * @param tlsListen where clients connect over HTTPS, or null for none
 * @param tls how the HTTPS listener terminates TLS (certificates, protocols, ciphers); null without {@code tlsListen}
 * @param httpRedirect whether the cleartext listener answers 308 to https (ACME challenges still proxied)
 * @param hsts the max-age of {@code Strict-Transport-Security} on HTTPS responses, or null for none
 * @param backendTls whether the static {@code backends} are reached over TLS
 * @param backendCa the CA certificates (PEM) that backend certificates are verified against, or null for the system's
 * @param admin where {@code /status} and {@code /metrics} are served
 * @param etcd where backends are read from, or null with {@code backends}
 * @param prefix the etcd prefix whose keys are the catch-all route's backends, or null for no catch-all
 *     ({@code --prefix none}: requests no route takes get 404)
 * @param servicesPrefix where every service's backends are in etcd: {@code <prefix><service>/<instance>}
 * @param routesPrefix where routes are in etcd ({@code <prefix><name>}), or null for none
 * @param serviceSettingsPrefix where services' settings are in etcd ({@code <prefix><service>}), or null for none
 * @param slowStart how long a backend that joins (or returns from passive health) takes to get its
 *     full share of requests, unless its route or service says otherwise; zero for no slow start
 * @param backends a static backend list used instead of etcd
 * @param transport the I/O transport: {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}
 * @param eventLoops I/O threads (each with its own backend connection pools)
 * @param connectTimeout how long a backend connect may take before the next backend is tried
 * @param responseTimeout how long a backend may stay silent while a request waits (504 after)
 * @param clientIdleTimeout how long an idle client keep-alive connection is kept
 * @param poolIdleTimeout how long an idle pooled backend connection is kept
 * @param maxIdlePerBackend idle pooled connections kept per backend per event loop
 * @param tries how many backends one request may be tried on (connect failures, dead pooled connections)
 * @param shutdownTimeout how long in-flight requests may take to finish on SIGTERM
 * @param maxInitialLineLength the longest request line accepted
 * @param maxHeaderSize the most header bytes accepted
 * @param maxHeaderCount the most header fields accepted
 * @param maxBodySize the largest request body accepted (413 beyond), 0 for no limit
 * @param clientHeaderTimeout how long a client may take to send a request's head once it started (408 after)
 * @param clientBodyTimeout how long a request body may stop arriving while the proxy waits for it (408 after)
 * @param sendTimeout how long a client may take no response bytes while the proxy waits to write (dropped after)
 * @param maxConnections client connections accepted at once; more are closed as they arrive
 * @param maxFails failures within {@code failTimeout} after which a backend is skipped (passive health)
 * @param failTimeout the window for {@code maxFails}, and how long a failing backend is skipped
 * @param accessLog where the access log is written: a file, {@code -} for the standard output, or null for none
 * @param accessLogFormat the access log's format
 * @param accessLogBuffer how many access log lines may wait for the writer; more are dropped and counted
 * @param http2 how HTTP/2 is spoken to clients
 * @param backendProtocol the protocol the static {@code backends} speak
 */
public record ProxyConfig(
        HostPort listen,
        HostPort tlsListen,
        TlsSettings tls,
        boolean httpRedirect,
        Duration hsts,
        boolean backendTls,
        Path backendCa,
        HostPort admin,
        EtcdSettings etcd,
        String prefix,
        String servicesPrefix,
        String routesPrefix,
        String serviceSettingsPrefix,
        Duration slowStart,
        List<HostPort> backends,
        String transport,
        int eventLoops,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration clientIdleTimeout,
        Duration poolIdleTimeout,
        int maxIdlePerBackend,
        int tries,
        Duration shutdownTimeout,
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxHeaderCount,
        long maxBodySize,
        Duration clientHeaderTimeout,
        Duration clientBodyTimeout,
        Duration sendTimeout,
        int maxConnections,
        int maxFails,
        Duration failTimeout,
        String accessLog,
        AccessLogFormat accessLogFormat,
        int accessLogBuffer,
        Http2Options http2,
        BackendProtocol backendProtocol) {

    public ProxyConfig {
        backends = List.copyOf(backends);
        prefix = prefix == null ? null : ServiceKeys.normalizePrefix(prefix);
        servicesPrefix = ServiceKeys.normalizePrefix(servicesPrefix);
        routesPrefix = routesPrefix == null ? null : ServiceKeys.normalizePrefix(routesPrefix);
        serviceSettingsPrefix = serviceSettingsPrefix == null ? null : ServiceKeys.normalizePrefix(serviceSettingsPrefix);
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("--slow-start must be 0s (off) or longer, got " + Durations.format(slowStart));
        }
        if (prefix == null && !backends.isEmpty()) {
            throw new IllegalArgumentException("--prefix none leaves --backend nothing to serve: the backends are the catch-all route's");
        }
        if (prefix == null && routesPrefix == null) {
            throw new IllegalArgumentException("--prefix none and --routes-prefix none: no request would have anywhere to go");
        }
        if (etcd == null && backends.isEmpty()) {
            throw new IllegalArgumentException("no backends: give --etcd URL or --backend host:port");
        }
        if (etcd != null && !backends.isEmpty()) {
            throw new IllegalArgumentException("--etcd and --backend exclude each other: backends come from one source");
        }
        if (listen == null && tlsListen == null) {
            throw new IllegalArgumentException("nothing to listen on: give --listen HOST:PORT or --tls-listen HOST:PORT");
        }
        if ((tlsListen == null) != (tls == null)) {
            throw new IllegalArgumentException(tlsListen == null
                    ? "--tls-cert, --tls-dir and --tls-etcd-prefix need --tls-listen HOST:PORT"
                    : "--tls-listen needs certificates: give --tls-cert FILE --tls-key FILE, --tls-dir DIR or --tls-etcd-prefix PREFIX");
        }
        if (httpRedirect && (listen == null || tlsListen == null)) {
            throw new IllegalArgumentException("--http-redirect needs both --listen (where it answers) and --tls-listen (where it sends)");
        }
        if (hsts != null && tlsListen == null) {
            throw new IllegalArgumentException("--hsts needs --tls-listen: it is sent on HTTPS responses only");
        }
        if (tls != null && tls.etcdPrefix() != null && etcd == null) {
            throw new IllegalArgumentException("--tls-etcd-prefix needs --etcd URL to read certificates from");
        }
        if (backendTls && backends.isEmpty()) {
            throw new IllegalArgumentException("--backend-tls applies to --backend lists; a backend in etcd says {\"tls\":true} itself");
        }
        if (backendProtocol != BackendProtocol.HTTP_1_1 && backends.isEmpty()) {
            throw new IllegalArgumentException("--backend-protocol applies to --backend lists; a backend in etcd says {\"protocol\":\"h2c\"} itself");
        }
        if (backendProtocol == BackendProtocol.H2 && !backendTls) {
            throw new IllegalArgumentException("--backend-protocol h2 is HTTP/2 over TLS: give --backend-tls too (h2c is cleartext)");
        }
        if (backendCa != null && !backendTls && etcd == null) {
            throw new IllegalArgumentException("--backend-ca is for backends reached over TLS: give --backend-tls too");
        }
        Transport.requireKnown(transport);
        positive("event-loops", eventLoops);
        positive("tries", tries);
        positive("max-idle-per-backend", maxIdlePerBackend);
        positive("max-initial-line", maxInitialLineLength);
        positive("max-header-size", maxHeaderSize);
        positive("max-header-count", maxHeaderCount);
        positive("max-connections", maxConnections);
        positive("max-fails", maxFails);
        positive("access-log-buffer", accessLogBuffer);
        positive("connect-timeout", connectTimeout);
        positive("response-timeout", responseTimeout);
        positive("client-idle-timeout", clientIdleTimeout);
        positive("pool-idle-timeout", poolIdleTimeout);
        positive("client-header-timeout", clientHeaderTimeout);
        positive("client-body-timeout", clientBodyTimeout);
        positive("send-timeout", sendTimeout);
        positive("fail-timeout", failTimeout);
        if (accessLog != null && accessLog.isEmpty()) {
            throw new IllegalArgumentException("--access-log needs a file, or - for the standard output");
        }
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("--max-body-size must be 0 (no limit) or more, got " + maxBodySize);
        }
    }

    /** Every route setting as the command line gives it: what a route or service value does not set. */
    public RouteSettings routeDefaults() {
        return new RouteSettings(false, responseTimeout, tries, maxBodySize, Policy.Kind.ROUND_ROBIN, null, null, slowStart);
    }

    /**
     * The catch-all route's service: {@code website} for {@code --prefix /services/website/}; a prefix
     * that is not one service under {@link #servicesPrefix} is its own service, named by the prefix.
     */
    public String catchAllService() {
        if (etcd == null) {
            return "static";
        }
        if (prefix == null) {
            return null;
        }
        return catchAllIsAService() ? prefix.substring(servicesPrefix.length(), prefix.length() - 1) : prefix;
    }

    /** Whether the catch-all's prefix is {@code <servicesPrefix><service>/}, read with every other service. */
    public boolean catchAllIsAService() {
        return prefix != null && prefix.startsWith(servicesPrefix) && prefix.length() > servicesPrefix.length() + 1
                && prefix.indexOf('/', servicesPrefix.length()) == prefix.length() - 1;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("--" + name + " must be longer than 0, got " + Durations.format(value));
        }
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding the defaults; each setter overrides one. */
    public static final class Builder {
        private HostPort listen = new HostPort("0.0.0.0", 8080);
        private HostPort tlsListen;
        private TlsSettings tls;
        private boolean httpRedirect;
        private Duration hsts;
        private boolean backendTls;
        private Path backendCa;
        private HostPort admin = new HostPort("127.0.0.1", 9090);
        private EtcdSettings etcd;
        private String prefix = ServiceKeys.DEFAULT_PREFIX;
        private String servicesPrefix = "/services/";
        private String routesPrefix = "/gantry/routes/";
        private String serviceSettingsPrefix = "/gantry/services/";
        private Duration slowStart = Duration.ZERO;
        private List<HostPort> backends = List.of();
        private String transport = "auto";
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration responseTimeout = Duration.ofSeconds(60);
        private Duration clientIdleTimeout = Duration.ofSeconds(75);
        private Duration poolIdleTimeout = Duration.ofSeconds(60);
        private int maxIdlePerBackend = 512;
        private int tries = 2;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private int maxInitialLineLength = 8192;
        private int maxHeaderSize = 16384;
        private int maxHeaderCount = 100;
        private long maxBodySize = 0;
        private Duration clientHeaderTimeout = Duration.ofSeconds(30);
        private Duration clientBodyTimeout = Duration.ofSeconds(60); // nginx's client_body_timeout
        private Duration sendTimeout = Duration.ofSeconds(60); // nginx's send_timeout
        private int maxConnections = 10_000;
        private int maxFails = 1;
        private Duration failTimeout = Duration.ofSeconds(10);
        private String accessLog;
        private AccessLogFormat accessLogFormat = AccessLogFormat.COMBINED;
        private int accessLogBuffer = 65536;
        private boolean h2c;
        private int h2MaxConcurrentStreams = 100;
        private Integer h2MaxHeaderListSize; // null: maxHeaderSize
        private int h2MaxResets = 200;
        private int h2MaxEmptyDataFrames = 2; // Netty's defaults, which Http2HostileIT holds them to
        private int h2MaxSmallContinuationFrames = 16;
        private int h2MaxQueuedControlFrames = 10_000;
        private BackendProtocol backendProtocol = BackendProtocol.HTTP_1_1;

        public Builder listen(HostPort v) { listen = v; return this; }
        public Builder tlsListen(HostPort v) { tlsListen = v; return this; }
        public Builder tls(TlsSettings v) { tls = v; return this; }
        public Builder httpRedirect(boolean v) { httpRedirect = v; return this; }
        public Builder hsts(Duration v) { hsts = v; return this; }
        public Builder backendTls(boolean v) { backendTls = v; return this; }
        public Builder backendCa(Path v) { backendCa = v; return this; }
        public Builder admin(HostPort v) { admin = v; return this; }
        public Builder etcd(EtcdSettings v) { etcd = v; return this; }
        public Builder prefix(String v) { prefix = v; return this; }
        public Builder servicesPrefix(String v) { servicesPrefix = v; return this; }
        public Builder routesPrefix(String v) { routesPrefix = v; return this; }
        public Builder serviceSettingsPrefix(String v) { serviceSettingsPrefix = v; return this; }
        public Builder slowStart(Duration v) { slowStart = v; return this; }
        public Builder backends(List<HostPort> v) { backends = v; return this; }
        public Builder transport(String v) { transport = v; return this; }
        public Builder eventLoops(int v) { eventLoops = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder responseTimeout(Duration v) { responseTimeout = v; return this; }
        public Builder clientIdleTimeout(Duration v) { clientIdleTimeout = v; return this; }
        public Builder poolIdleTimeout(Duration v) { poolIdleTimeout = v; return this; }
        public Builder maxIdlePerBackend(int v) { maxIdlePerBackend = v; return this; }
        public Builder tries(int v) { tries = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder maxInitialLineLength(int v) { maxInitialLineLength = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxBodySize(long v) { maxBodySize = v; return this; }
        public Builder clientHeaderTimeout(Duration v) { clientHeaderTimeout = v; return this; }
        public Builder clientBodyTimeout(Duration v) { clientBodyTimeout = v; return this; }
        public Builder sendTimeout(Duration v) { sendTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxFails(int v) { maxFails = v; return this; }
        public Builder failTimeout(Duration v) { failTimeout = v; return this; }
        public Builder accessLog(String v) { accessLog = v; return this; }
        public Builder accessLogFormat(AccessLogFormat v) { accessLogFormat = v; return this; }
        public Builder accessLogBuffer(int v) { accessLogBuffer = v; return this; }
        public Builder h2c(boolean v) { h2c = v; return this; }
        public Builder h2MaxConcurrentStreams(int v) { h2MaxConcurrentStreams = v; return this; }
        public Builder h2MaxHeaderListSize(int v) { h2MaxHeaderListSize = v; return this; }
        public Builder h2MaxResets(int v) { h2MaxResets = v; return this; }
        public Builder h2MaxEmptyDataFrames(int v) { h2MaxEmptyDataFrames = v; return this; }
        public Builder h2MaxSmallContinuationFrames(int v) { h2MaxSmallContinuationFrames = v; return this; }
        public Builder h2MaxQueuedControlFrames(int v) { h2MaxQueuedControlFrames = v; return this; }
        public Builder backendProtocol(BackendProtocol v) { backendProtocol = v; return this; }

        public ProxyConfig build() {
            return new ProxyConfig(listen, tlsListen, tls, httpRedirect, hsts, backendTls, backendCa, admin, etcd, prefix, servicesPrefix, routesPrefix,
                    serviceSettingsPrefix, slowStart, backends, transport, eventLoops, connectTimeout, responseTimeout,
                    clientIdleTimeout, poolIdleTimeout, maxIdlePerBackend, tries, shutdownTimeout, maxInitialLineLength,
                    maxHeaderSize, maxHeaderCount, maxBodySize, clientHeaderTimeout, clientBodyTimeout, sendTimeout, maxConnections, maxFails, failTimeout,
                    accessLog, accessLogFormat, accessLogBuffer, new Http2Options(h2c, h2MaxConcurrentStreams,
                    h2MaxHeaderListSize != null ? h2MaxHeaderListSize : maxHeaderSize, h2MaxResets, 30,
                    h2MaxEmptyDataFrames, h2MaxSmallContinuationFrames, h2MaxQueuedControlFrames),
                    backendProtocol);
        }
    }
}
