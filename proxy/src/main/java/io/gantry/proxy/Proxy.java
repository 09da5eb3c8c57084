package io.gantry.proxy;

import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.admin.AdminServer;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.server.ProxyServer;
import io.gantry.proxy.server.Transport;
import io.gantry.proxy.source.BackendSource;
import io.gantry.proxy.source.EtcdBackendSource;
import io.gantry.proxy.source.StaticBackendSource;
import io.gantry.proxy.tls.TlsTermination;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running proxy: the parts wired together, started by {@link #start} and stopped gracefully by {@link #close}. */
public final class Proxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Proxy.class);
    private static final long STOP_WAIT_SECONDS = 10;

    private final ProxyConfig config;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final BackendGroup backends = new BackendGroup();
    private final Transport transport;
    private final EventLoopGroup group;
    private final BackendSource source;
    /** How long start waits for the first set of backends before it listens anyway. */
    private static final Duration FIRST_SET_WAIT = Duration.ofSeconds(5);

    private final ProxyServer server;
    private final TlsTermination tls;
    private final AdminServer admin = new AdminServer();
    /** Null without {@code --access-log}. */
    private final AccessLog accessLog;
    private InetSocketAddress adminAddress;

    private Proxy(ProxyConfig config) {
        this.config = config;
        // First: a file that cannot be opened stops the start before any thread is made.
        this.accessLog = config.accessLog() == null ? null
                : AccessLog.open(config.accessLog(), config.accessLogFormat(), config.accessLogBuffer(), metrics.accessLogDropped());
        this.transport = Transport.named(config.transport());
        this.group = transport.newGroup(config.eventLoops(), "proxy-io");
        Bootstrap backendBootstrap = new Bootstrap()
                .channel(transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        this.tls = config.tls() == null ? null : new TlsTermination(config.tls(), config.etcd(), metrics);
        this.server = new ProxyServer(new ForwardingContext(config, backends, metrics, backendBootstrap, accessLog), tls);
        if (config.etcd() != null) {
            this.source = new EtcdBackendSource(config.etcd(), config.prefix(), metrics);
        } else {
            this.source = new StaticBackendSource(config.backends(), config.backendTls(), config.backendProtocol());
            metrics.sourceState("static");
        }
    }

    /** Starts reading backends, binds the admin listener, waits (briefly) for the first backends, binds the proxy listener. */
    public static Proxy start(ProxyConfig config) throws InterruptedException {
        Proxy proxy = new Proxy(config);
        try {
            proxy.source.start(proxy.backends);
            if (proxy.tls != null) {
                proxy.tls.start();
            }
            proxy.adminAddress = proxy.admin.start(config.admin(), proxy.transport, proxy.group, proxy.backends, proxy.metrics,
                    proxy.tls == null ? null : proxy.tls::certificates);
            // Like nginx and HAProxy, know the backends before taking traffic; etcd away is no reason not to start.
            if (!proxy.source.awaitFirstSet(FIRST_SET_WAIT)) {
                log.warn("no backends read within {} s; listening anyway, answering 503 until they are", FIRST_SET_WAIT.toSeconds());
            }
            proxy.server.start(proxy.transport, proxy.group);
        } catch (RuntimeException | InterruptedException e) {
            proxy.shutdownNow();
            throw e;
        }
        log.info("listening on {}{} ({}, {} event loops), admin on {}, backends from {}; ready {} ms after the JVM started",
                proxy.server.address() != null ? proxy.server.address() : "",
                proxy.tls != null ? (proxy.server.address() != null ? " and " : "") + proxy.server.tlsAddress()
                        + " (HTTPS: " + proxy.tls.describe() + ")" : "",
                proxy.transport.name(), config.eventLoops(), proxy.adminAddress,
                config.etcd() != null ? "etcd " + config.etcd() + " " + config.prefix() : config.backends(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        return proxy;
    }

    /** The cleartext listener's address, or null with an HTTPS listener alone. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The HTTPS listener's address, or null without one. */
    public InetSocketAddress tlsAddress() {
        return server.tlsAddress();
    }

    /** What the HTTPS listener serves, or null without one. */
    public TlsTermination tls() {
        return tls;
    }

    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    public BackendGroup backends() {
        return backends;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Closes the access log file and opens it again by its name (after logrotate renamed it); no-op without one. */
    public void reopenAccessLog() {
        if (accessLog != null) {
            accessLog.reopen();
        }
    }

    /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then stops everything. */
    @Override
    public void close() {
        try {
            int left = server.drain(config.shutdownTimeout());
            log.info("stopped{}", left == 0 ? "" : " (" + left + " connections cut off)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdownNow();
        }
    }

    private void shutdownNow() {
        admin.close();
        source.close();
        if (tls != null) {
            tls.close();
        }
        // Bounded: a stop must end even if an event loop never reports its termination.
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            log.warn("event loops did not stop within {} s; stopping without them", STOP_WAIT_SECONDS);
        }
        if (accessLog != null) {
            accessLog.close(); // after the event loops: the last requests' lines are written
        }
    }
}
