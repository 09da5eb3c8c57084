package io.gantry.proxy;

import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.admin.AdminServer;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.Services;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.route.Route;
import io.gantry.proxy.route.RouteSettings;
import io.gantry.proxy.route.RouteSpec;
import io.gantry.proxy.route.Routes;
import io.gantry.proxy.server.ProxyServer;
import io.gantry.proxy.server.Transport;
import io.gantry.proxy.source.BackendSource;
import io.gantry.proxy.source.EtcdRoutingSource;
import io.gantry.proxy.source.RouteTable;
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
    private final Services services;
    private final Routes routes;
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
        this.services = new Services(config.maxFails(), config.failTimeout());
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
        String catchAll = config.catchAllService();
        if (config.etcd() != null) {
            this.routes = new Routes();
            RouteTable table = new RouteTable(services, routes, config.routeDefaults(),
                    catchAll == null ? null : new RouteSpec(Route.CATCH_ALL, null, "/", catchAll, RouteSettings.NONE));
            this.source = new EtcdRoutingSource(config.etcd(), config.servicesPrefix(),
                    config.catchAllIsAService() ? null : config.prefix(), catchAll, config.routesPrefix(),
                    config.serviceSettingsPrefix(), services, table, metrics);
        } else {
            this.routes = Routes.catchAll(services.group(catchAll), config.routeDefaults());
            this.source = new StaticBackendSource(config.backends(), config.backendTls(), config.backendProtocol(),
                    services.group(catchAll));
            metrics.sourceState("static");
        }
        this.server = new ProxyServer(new ForwardingContext(config, routes, metrics, backendBootstrap, accessLog), tls);
    }

    /** Starts reading backends, binds the admin listener, waits (briefly) for the first backends, binds the proxy listener. */
    public static Proxy start(ProxyConfig config) throws InterruptedException {
        Proxy proxy = new Proxy(config);
        try {
            proxy.source.start();
            if (proxy.tls != null) {
                proxy.tls.start();
            }
            proxy.adminAddress = proxy.admin.start(config.admin(), proxy.transport, proxy.group, proxy.services, proxy.routes,
                    config.catchAllService(), proxy.metrics, proxy.tls == null ? null : proxy.tls::certificates);
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
                config.etcd() != null ? "etcd " + config.etcd() + " " + describeRouting(config) : config.backends(),
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

    /** The catch-all route's backends ({@code --prefix}, or {@code --backend}); an empty group with {@code --prefix none}. */
    public BackendGroup backends() {
        String catchAll = config.catchAllService();
        return catchAll == null ? new BackendGroup("none") : services.group(catchAll);
    }

    /** Every service's backends. */
    public Services services() {
        return services;
    }

    /** The routes in use. */
    public Routes routes() {
        return routes;
    }

    private static String describeRouting(ProxyConfig c) {
        return (c.routesPrefix() != null ? "routes " + c.routesPrefix() + ", " : "") + "services " + c.servicesPrefix()
                + (c.prefix() != null ? ", catch-all " + c.prefix() : ", no catch-all");
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
