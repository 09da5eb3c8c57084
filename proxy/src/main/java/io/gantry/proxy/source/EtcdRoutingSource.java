package io.gantry.proxy.source;

import io.gantry.common.EtcdSettings;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.Services;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes, services' settings and backends from etcd: one client, one thread, a watch per prefix. The
 * backends of every service come from one watch of the services' prefix ({@code /services/}) into a
 * {@link ServiceTable}; routes and settings into the {@link RouteTable}. All of it is owned by the one
 * thread, so a route and the service it names are never seen half-applied. While etcd is unreachable
 * everything keeps what was last read.
 */
public final class EtcdRoutingSource implements BackendSource {

    private final EtcdConnection connection;
    private final List<EtcdPrefixWatch> watches = new ArrayList<>();
    private final RouteTable routes;

    /**
     * @param servicesPrefix where every service's backends are: {@code <prefix><service>/<instance>}
     * @param catchAllPrefix {@code --prefix} when it is not a service under {@code servicesPrefix}
     *     (then its keys are all the backends of {@code catchAllService}); null otherwise
     * @param routesPrefix where routes are, or null for none
     * @param settingsPrefix where services' settings are, or null for none
     */
    public EtcdRoutingSource(EtcdSettings settings, String servicesPrefix, String catchAllPrefix, String catchAllService,
            String routesPrefix, String settingsPrefix, Services services, RouteTable routes, ProxyMetrics metrics) {
        this.connection = new EtcdConnection(settings, "etcd-routing");
        this.routes = routes;
        // Routes first: the first requests find them resolved when the backends arrive.
        if (routesPrefix != null) {
            watches.add(new EtcdPrefixWatch(connection, routesPrefix, routes.routesUnder(routesPrefix), metrics::sourceState));
        }
        if (settingsPrefix != null) {
            watches.add(new EtcdPrefixWatch(connection, settingsPrefix, routes.settingsUnder(settingsPrefix), metrics::sourceState));
        }
        watches.add(new EtcdPrefixWatch(connection, servicesPrefix, new ServiceTable(servicesPrefix, null, services),
                metrics::sourceState));
        if (catchAllPrefix != null) {
            watches.add(new EtcdPrefixWatch(connection, catchAllPrefix, new ServiceTable(catchAllPrefix, catchAllService, services),
                    metrics::sourceState));
        }
    }

    @Override
    public void start() {
        connection.thread().execute(routes::publish); // the catch-all, before etcd answers
        watches.forEach(EtcdPrefixWatch::start);
        // After the first reads, before the changes: a first draining mark would wait ~1 s under load for Jackson.
        connection.thread().execute(ServiceKeys::loadJson);
    }

    @Override
    public boolean awaitFirstSet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (EtcdPrefixWatch w : watches) {
            if (!w.awaitFirstRead(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        watches.forEach(EtcdPrefixWatch::close);
        connection.close();
    }
}
