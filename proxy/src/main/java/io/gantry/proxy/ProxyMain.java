package io.gantry.proxy;

import io.gantry.common.HostPort;
import io.gantry.common.cli.CommandLines;
import io.gantry.common.cli.EtcdOptions;
import io.gantry.common.cli.Shutdown;
import io.gantry.proxy.accesslog.AccessLogFormat;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.proxy.backend.BackendTlsContext;
import io.gantry.proxy.tls.TlsSettings;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar proxy.jar}: the proxy's command line. */
@Command(name = "proxy", mixinStandardHelpOptions = true, version = "gantry proxy 0.1",
        sortOptions = false,
        description = "Reverse proxy balancing round-robin across backends read live from etcd (or given with --backend).",
        footer = "%nDurations read like 500ms, 10s, 1m. Every flag can also be set in the --config file as 'name = value'.")
public final class ProxyMain implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where clients connect (default 0.0.0.0:8080).")
    HostPort listen;

    @Option(names = "--tls-listen", paramLabel = "HOST:PORT", description = "Where clients connect over HTTPS; alone, or beside --listen.")
    HostPort tlsListen;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "A PEM certificate chain (leaf first); repeatable, each with its --tls-key. The first is the default.")
    List<Path> tlsCerts;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM private key (PKCS#8, PKCS#1 or SEC1) of the --tls-cert in the same position.")
    List<Path> tlsKeys;

    @Option(names = "--tls-dir", paramLabel = "DIR", description = "Certificates in certbot's layout: DIR/<name>/fullchain.pem and privkey.pem; repeatable.")
    List<Path> tlsDirs;

    @Option(names = "--tls-etcd-prefix", paramLabel = "PREFIX", description = "etcd prefix of certificates shared by every node: JSON {\"cert\": PEM, \"key\": PEM} per key (e.g. /gantry/tls/).")
    String tlsEtcdPrefix;

    @Option(names = "--tls-protocols", paramLabel = "LIST", split = ",", description = "TLS versions offered (default TLSv1.2,TLSv1.3).")
    List<String> tlsProtocols;

    @Option(names = "--tls-ciphers", paramLabel = "LIST", split = ",", description = "Cipher suites offered (default: Mozilla's intermediate list).")
    List<String> tlsCiphers;

    @Option(names = "--http-redirect", description = "The cleartext listener answers 308 to https://, except /.well-known/acme-challenge/.")
    Boolean httpRedirect;

    @Option(names = "--hsts", paramLabel = "DURATION", description = "Adds Strict-Transport-Security with this max-age to HTTPS responses (e.g. 365d).")
    Duration hsts;

    @Option(names = "--backend-tls", description = "Reach the --backend list over TLS (verified, with SNI).")
    Boolean backendTls;

    @Option(names = "--backend-ca", paramLabel = "FILE", description = "CA certificates (PEM) that backend certificates are verified against (default: the system's).")
    Path backendCa;

    @Option(names = "--backend-protocol", paramLabel = "PROTOCOL", description = "What the --backend list speaks: http/1.1 (default), h2c (HTTP/2 cleartext, for gRPC) or h2 (with --backend-tls).")
    String backendProtocol;

    @Option(names = "--no-http2", description = "Offer only HTTP/1.1 on --tls-listen (ALPN offers h2 first by default).")
    Boolean noHttp2;

    @Option(names = "--h2c", description = "The cleartext --listen also takes HTTP/2 with prior knowledge (gRPC clients, other proxies).")
    Boolean h2c;

    @Option(names = "--h2-max-concurrent-streams", paramLabel = "N", description = "Streams a client may have open on one HTTP/2 connection (default 100).")
    Integer h2MaxConcurrentStreams;

    @Option(names = "--h2-max-header-list-size", paramLabel = "BYTES", description = "Largest decoded HTTP/2 header list accepted (default: --max-header-size).")
    Integer h2MaxHeaderListSize;

    @Option(names = "--h2-max-resets", paramLabel = "N", description = "Streams a client may reset in 30 s before its connection is closed (default 200; CVE-2023-44487).")
    Integer h2MaxResets;

    @Option(names = "--h2-max-empty-data-frames", paramLabel = "N", description = "Empty DATA frames in a row before an HTTP/2 connection is closed (default 2; CVE-2019-9518).")
    Integer h2MaxEmptyDataFrames;

    @Option(names = "--h2-max-small-continuation-frames", paramLabel = "N", description = "Small CONTINUATION frames after one HEADERS before the connection is closed (default 16; CVE-2024-27316).")
    Integer h2MaxSmallContinuationFrames;

    @Option(names = "--h2-max-queued-control-frames", paramLabel = "N", description = "Control frames queued for a client that does not read them before it is dropped (default 10000; CVE-2019-9512).")
    Integer h2MaxQueuedControlFrames;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "Where /status and /metrics are served (default 127.0.0.1:9090).")
    HostPort admin;

    @Mixin
    EtcdOptions etcd = new EtcdOptions();

    @Option(names = "--prefix", paramLabel = "PREFIX|none", description = "etcd prefix whose keys are the catch-all route's backends (default /services/website/); none: requests no route takes get 404.")
    String prefix;

    @Option(names = "--routes-prefix", paramLabel = "PREFIX|none", description = "etcd prefix of routes: <prefix><name> -> JSON {\"host\", \"path\", \"service\", ...} (default /gantry/routes/).")
    String routesPrefix;

    @Option(names = "--services-prefix", paramLabel = "PREFIX", description = "etcd prefix of every service's backends: <prefix><service>/<instance> (default /services/).")
    String servicesPrefix;

    @Option(names = "--service-settings-prefix", paramLabel = "PREFIX|none", description = "etcd prefix of services' settings: <prefix><service> -> JSON {\"policy\", \"timeout\", ...} (default /gantry/services/).")
    String serviceSettingsPrefix;

    @Option(names = "--slow-start", paramLabel = "DURATION", description = "A backend that joins, or comes back from passive health, ramps up to its full share over this (default 0s: off).")
    Duration slowStart;

    @Option(names = "--backend", paramLabel = "HOST:PORT", split = ",", description = "A static backend instead of etcd; repeatable.")
    List<HostPort> backends;

    @Option(names = "--config", paramLabel = "FILE", description = "A config file of 'name = value' lines; flags win.")
    Path config;

    @Option(names = "--transport", paramLabel = "NAME", description = "I/O transport: auto (io_uring, else epoll, else nio), io_uring, epoll, nio.")
    String transport;

    @Option(names = "--event-loops", paramLabel = "N", description = "I/O threads (default: one per core).")
    Integer eventLoops;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", description = "Backend connect timeout (default 5s).")
    Duration connectTimeout;

    @Option(names = "--response-timeout", paramLabel = "DURATION", description = "How long a backend may stay silent (default 60s), then 504.")
    Duration responseTimeout;

    @Option(names = "--client-idle-timeout", paramLabel = "DURATION", description = "Idle client keep-alive connections close after this (default 75s).")
    Duration clientIdleTimeout;

    @Option(names = "--pool-idle-timeout", paramLabel = "DURATION", description = "Idle pooled backend connections close after this (default 60s).")
    Duration poolIdleTimeout;

    @Option(names = "--max-idle-per-backend", paramLabel = "N", description = "Idle pooled connections per backend per event loop (default 512; the pool idle timeout trims them).")
    Integer maxIdlePerBackend;

    @Option(names = "--tries", paramLabel = "N", description = "Backends one request may be tried on (default 2).")
    Integer tries;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", description = "How long in-flight requests may finish on SIGTERM (default 10s).")
    Duration shutdownTimeout;

    @Option(names = "--max-initial-line", paramLabel = "BYTES", description = "Longest request line accepted (default 8192).")
    Integer maxInitialLine;

    @Option(names = "--max-header-size", paramLabel = "BYTES", description = "Most header bytes accepted (default 16384).")
    Integer maxHeaderSize;

    @Option(names = "--max-header-count", paramLabel = "N", description = "Most header fields accepted (default 100), then 431.")
    Integer maxHeaderCount;

    @Option(names = "--max-body-size", paramLabel = "BYTES", description = "Largest request body accepted, then 413 (default 0: no limit).")
    Long maxBodySize;

    @Option(names = "--client-header-timeout", paramLabel = "DURATION", description = "How long a client may take to send a request head (default 30s), then 408.")
    Duration clientHeaderTimeout;

    @Option(names = "--client-body-timeout", paramLabel = "DURATION", description = "How long a request body may stop arriving while the proxy waits for it (default 60s), then 408.")
    Duration clientBodyTimeout;

    @Option(names = "--send-timeout", paramLabel = "DURATION", description = "How long a client may take none of a response while the proxy waits to write (default 60s), then it is dropped.")
    Duration sendTimeout;

    @Option(names = "--max-connections", paramLabel = "N", description = "Client connections at once (default 10000); more are closed on arrival.")
    Integer maxConnections;

    @Option(names = "--max-fails", paramLabel = "N", description = "Failures within --fail-timeout that make a backend skipped (default 1).")
    Integer maxFails;

    @Option(names = "--fail-timeout", paramLabel = "DURATION", description = "The window for --max-fails and how long a backend is skipped (default 10s).")
    Duration failTimeout;

    @Option(names = "--access-log", paramLabel = "FILE|-", description = "Log one line per request to FILE (reopened on SIGUSR1, for logrotate) or - (stdout). Default: none.")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "FORMAT", description = "combined (nginx's, the default) or json (one object a line, every field).")
    String accessLogFormat;

    @Option(names = "--access-log-buffer", paramLabel = "N", description = "Lines that may wait for the log writer (default 65536); more are dropped and counted in /metrics.")
    Integer accessLogBuffer;

    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace: 5% of the proxy's Java time under
            // load (benchmarks/README.md). The tests run with it on; -Dio.netty.leakDetection.level=simple
            // turns it back on here.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(CommandLines.execute("proxy", new ProxyMain(), args));
    }

    /** A prefix flag's value: null for {@code none}. */
    private static String none(String prefix) {
        return prefix.equals("none") ? null : prefix;
    }

    /** The settings these flags describe, over the defaults. */
    ProxyConfig toConfig() {
        ProxyConfig.Builder b = ProxyConfig.builder();
        set(listen, b::listen);
        if (tlsListen != null) {
            b.tlsListen(tlsListen);
            if (listen == null) {
                b.listen(null); // --tls-listen alone: no cleartext listener
            }
        }
        if (tlsListen != null || tlsCerts != null || tlsKeys != null || tlsDirs != null || tlsEtcdPrefix != null) {
            b.tls(tlsSettings());
        }
        set(httpRedirect, b::httpRedirect);
        set(hsts, b::hsts);
        set(backendTls, b::backendTls);
        set(backendCa, b::backendCa);
        set(admin, b::admin);
        set(backends != null && !etcd.endpointsGiven() ? null : etcd.optional(), b::etcd); // ETCDCTL_ENDPOINTS yields to --backend
        if (prefix != null) {
            b.prefix(none(prefix));
        }
        if (routesPrefix != null) {
            b.routesPrefix(none(routesPrefix));
        }
        if (serviceSettingsPrefix != null) {
            b.serviceSettingsPrefix(none(serviceSettingsPrefix));
        }
        set(servicesPrefix, b::servicesPrefix);
        set(slowStart, b::slowStart);
        set(backends, b::backends);
        set(transport, b::transport);
        set(eventLoops, b::eventLoops);
        set(connectTimeout, b::connectTimeout);
        set(responseTimeout, b::responseTimeout);
        set(clientIdleTimeout, b::clientIdleTimeout);
        set(poolIdleTimeout, b::poolIdleTimeout);
        set(maxIdlePerBackend, b::maxIdlePerBackend);
        set(tries, b::tries);
        set(shutdownTimeout, b::shutdownTimeout);
        set(maxInitialLine, b::maxInitialLineLength);
        set(maxHeaderSize, b::maxHeaderSize);
        set(maxHeaderCount, b::maxHeaderCount);
        set(maxBodySize, b::maxBodySize);
        set(clientHeaderTimeout, b::clientHeaderTimeout);
        set(clientBodyTimeout, b::clientBodyTimeout);
        set(sendTimeout, b::sendTimeout);
        set(maxConnections, b::maxConnections);
        set(maxFails, b::maxFails);
        set(failTimeout, b::failTimeout);
        if (accessLog == null && (accessLogFormat != null || accessLogBuffer != null)) {
            throw new IllegalArgumentException("--access-log-format and --access-log-buffer need --access-log FILE|-");
        }
        set(accessLog, b::accessLog);
        set(accessLogFormat == null ? null : AccessLogFormat.named(accessLogFormat), b::accessLogFormat);
        set(accessLogBuffer, b::accessLogBuffer);
        set(backendProtocol == null ? null : BackendProtocol.named(backendProtocol), b::backendProtocol);
        set(h2c, b::h2c);
        set(h2MaxConcurrentStreams, b::h2MaxConcurrentStreams);
        set(h2MaxHeaderListSize, b::h2MaxHeaderListSize);
        set(h2MaxResets, b::h2MaxResets);
        set(h2MaxEmptyDataFrames, b::h2MaxEmptyDataFrames);
        set(h2MaxSmallContinuationFrames, b::h2MaxSmallContinuationFrames);
        set(h2MaxQueuedControlFrames, b::h2MaxQueuedControlFrames);
        return b.build();
    }

    private TlsSettings tlsSettings() {
        return new TlsSettings(TlsSettings.pair(orEmpty(tlsCerts), orEmpty(tlsKeys)), orEmpty(tlsDirs), tlsEtcdPrefix,
                tlsProtocols != null ? tlsProtocols : TlsSettings.DEFAULT_PROTOCOLS,
                tlsCiphers != null ? tlsCiphers : TlsSettings.DEFAULT_CIPHERS,
                Boolean.TRUE.equals(noHttp2) ? List.of("http/1.1") : TlsSettings.DEFAULT_APPLICATION_PROTOCOLS);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        ProxyConfig config = toConfig();
        if (config.backendCa() != null) {
            BackendTlsContext.readCa(config.backendCa()); // a bad file is a bad flag: one line, before anything starts
        }
        Proxy proxy;
        try {
            proxy = Proxy.start(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot start: " + e.getMessage(), e); // a bad certificate file: exit 2
        } catch (Exception e) {
            throw new IllegalStateException("cannot start: " + bindMessage(e, config), e);
        }
        // logrotate's postrotate sends SIGUSR1 (as to nginx); its default action would end the JVM, so it is
        // handled even without an access log.
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> proxy.reopenAccessLog());
        Shutdown.awaitSignalThen(proxy::close);
        return 0;
    }

    private static String bindMessage(Exception e, ProxyConfig config) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.contains("Address already in use") || m.contains("Cannot assign requested address")) {
            return m + " (--listen " + config.listen() + (config.tlsListen() != null ? ", --tls-listen " + config.tlsListen() : "")
                    + ", --admin " + config.admin() + ")";
        }
        return m;
    }
}
