package io.gantry.proxy.server;

import io.gantry.proxy.ProxyMetrics;
import io.netty.channel.Channel;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection cap, one for all listeners: past {@code maxConnections} open client connections,
 * new ones are closed as they arrive, so a flood of idle or slow connections cannot take every file
 * descriptor and starve the rest. One log line when the cap is reached, and one when the connections
 * are down to nine tenths of it again: clients churning at the cap add no lines, only to
 * {@code gantry_connections_refused_total}.
 */
final class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final int maxConnections;
    private final int roomAgain;
    private final ProxyMetrics metrics;
    private final AtomicBoolean full = new AtomicBoolean();

    ConnectionAdmission(int maxConnections, ProxyMetrics metrics) {
        this.maxConnections = maxConnections;
        this.roomAgain = maxConnections - Math.max(1, maxConnections / 10);
        this.metrics = metrics;
    }

    /**
     * The cap for {@code maxConnections} within this process's open-file limit: each client connection
     * takes a descriptor, and so does each backend connection, so a tenth of the limit (at least 256)
     * is kept for those. When the flag asks for more, it is lowered, with one warning naming both.
     */
    static ConnectionAdmission withinFileLimit(int maxConnections, ProxyMetrics metrics) {
        long limit = openFileLimit();
        long usable = limit - Math.max(256, limit / 10);
        if (limit > 0 && maxConnections > usable) {
            int capped = (int) Math.max(1, usable);
            log.warn("--max-connections {} is more than the open-file limit of {} leaves room for (backend connections and"
                    + " files need some): capping client connections at {}; raise the limit (LimitNOFILE=, ulimit -n) for more",
                    maxConnections, limit, capped);
            return new ConnectionAdmission(capped, metrics);
        }
        return new ConnectionAdmission(maxConnections, metrics);
    }

    /** This process's limit on open files, or -1 where the JVM cannot tell. */
    private static long openFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Whether {@code ch} may be served; if not, it is closed. */
    boolean admit(Channel ch) {
        long active = metrics.connectionsActive();
        if (active >= maxConnections) {
            if (full.compareAndSet(false, true)) {
                log.warn("{} client connections open, the most --max-connections allows: closing new ones until some end",
                        maxConnections);
            }
            metrics.connectionRefused();
            ch.close();
            return false;
        }
        if (active < roomAgain && full.get() && full.compareAndSet(true, false)) {
            log.info("{} client connections open, below the cap of {} again: accepting", active, maxConnections);
        }
        return true;
    }
}
