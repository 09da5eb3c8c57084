package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendTlsContext;
import io.gantry.proxy.backend.ConnectionPool;
import io.gantry.proxy.forward.h1.BackendInitializer;
import io.gantry.proxy.forward.h1.Http1Attempt;
import io.gantry.proxy.forward.h2.Http2Upstreams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.LongAdder;

/**
 * One event loop's connections to the backends, and where an attempt is made over the protocol its
 * backend speaks: a pooled HTTP/1.1 connection, or a stream on a multiplexed HTTP/2 one. Only that loop's thread uses it, so nothing here is shared or locked.
 */
public final class BackendConnections {

    private final ConnectionPool http1;
    private final Http2Upstreams http2;

    BackendConnections(ProxyConfig config, Bootstrap template, EventLoop loop, BackendTlsContext tls, LongAdder idleGauge) {
        this.http1 = new ConnectionPool(template, loop, pool -> new BackendInitializer(config, pool, tls),
                config.maxIdlePerBackend(), idleGauge);
        this.http2 = new Http2Upstreams(template, loop, config, tls);
    }

    /**
     * A new attempt of {@code exchange} on {@code backend}, not started yet.
     *
     * @param newConnectionOnly take no pooled connection
     */
    Attempt attempt(Exchange exchange, Backend backend, boolean newConnectionOnly) {
        return backend.protocol().http2() ? http2.attempt(exchange, backend, newConnectionOnly)
                : new Http1Attempt(exchange, backend, http1, newConnectionOnly);
    }
}
