package io.gantry.proxy.route;

import io.gantry.proxy.backend.BackendGroup;
import java.util.List;

/**
 * The routes now: one immutable {@link RouteIndex}, replaced whole by its one writer (the source that
 * follows etcd) and read by every event loop. A request in flight keeps the route it matched.
 */
public final class Routes {

    private volatile RouteIndex index = RouteIndex.EMPTY;

    /** Routes that are one catch-all to {@code group} with {@code settings} (all set): a static list, a test. */
    public static Routes catchAll(BackendGroup group, RouteSettings settings) {
        Routes routes = new Routes();
        routes.publish(new RouteIndex(List.of(Route.of(Route.CATCH_ALL, null, "/", group, settings))), 0);
        return routes;
    }
    private volatile int rejected;

    /** The route for a request, or null when none takes it ({@link RouteIndex#match}). */
    public Route match(String host, String target) {
        return index.match(host, target);
    }

    public RouteIndex current() {
        return index;
    }

    /** Swaps in {@code next}; {@code rejectedValues} route or service values were skipped as malformed. */
    public void publish(RouteIndex next, int rejectedValues) {
        index = next;
        rejected = rejectedValues;
    }

    /** Route and service values skipped as malformed, now. */
    public int rejected() {
        return rejected;
    }
}
