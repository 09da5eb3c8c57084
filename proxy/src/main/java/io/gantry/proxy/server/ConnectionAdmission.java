package io.gantry.proxy.server;

import io.gantry.proxy.ProxyMetrics;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection cap: past {@code maxConnections} open client connections, new ones are closed as
 * they arrive, so a flood of idle or slow connections cannot take every file descriptor and starve
 * the rest. One log line when the cap is reached, one when there is room again.
 */
final class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final int maxConnections;
    private final ProxyMetrics metrics;
    private volatile boolean full;

    ConnectionAdmission(int maxConnections, ProxyMetrics metrics) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    /** Whether {@code ch} may be served; if not, it is closed. */
    boolean admit(Channel ch) {
        if (metrics.connectionsActive() >= maxConnections) {
            if (!full) {
                full = true;
                log.warn("{} client connections open, the most --max-connections allows: closing new ones until some end",
                        maxConnections);
            }
            metrics.connectionRefused();
            ch.close();
            return false;
        }
        if (full) {
            full = false;
            log.info("below {} client connections again: accepting", maxConnections);
        }
        return true;
    }
}
