package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.ConnectionPool;
import io.gantry.proxy.backend.RoundRobinSelector;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every client connection's {@link FrontendHandler} shares: the settings, the live backends,
 * the metrics, and per event loop its own selector and connection pool.
 */
public final class ForwardingContext {

    /** The state one event loop owns: touched only from that loop's thread. */
    record LoopState(RoundRobinSelector selector, ConnectionPool pool) {
    }

    private final ProxyConfig config;
    private final BackendGroup backends;
    private final ProxyMetrics metrics;
    private final Bootstrap backendBootstrap;
    private final Map<EventLoop, LoopState> loops = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /**
     * @param backendBootstrap channel type and options for backend connections; each event loop's pool
     *     clones it onto that loop
     */
    public ForwardingContext(ProxyConfig config, BackendGroup backends, ProxyMetrics metrics, Bootstrap backendBootstrap) {
        this.config = config;
        this.backends = backends;
        this.metrics = metrics;
        this.backendBootstrap = backendBootstrap;
    }

    public ProxyConfig config() {
        return config;
    }

    public BackendGroup backends() {
        return backends;
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

    LoopState loop(EventLoop loop) {
        return loops.computeIfAbsent(loop, l -> new LoopState(new RoundRobinSelector(),
                new ConnectionPool(backendBootstrap, l, pool -> new BackendInitializer(config, pool),
                        config.maxIdlePerBackend(), metrics.pooledIdle())));
    }
}
