package io.gantry.proxy.route;

import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.balance.Balancer;
import io.gantry.proxy.balance.Policy;
import java.time.Duration;

/**
 * A route as requests take it, every setting resolved: which requests it takes (a host, exact or
 * {@code *.}wildcard, or any; a path prefix), the service they go to and the balancer that picks its
 * backend, and what applies on the way. Immutable; a change in etcd makes a new one.
 *
 * @param name the route's name (its key's last segment), or {@link #CATCH_ALL} for {@code --prefix}
 * @param host the host it takes, lowercase, {@code *.example.com} for a wildcard, or null for any
 * @param path the path prefix it takes, starting with {@code /}
 * @param service the backends
 * @param balancer picks among them, by {@code policy}
 * @param stripPrefix {@code path} is removed from the request's path before it is forwarded
 * @param timeout how long a backend may stay silent while a request waits
 * @param tries how many backends one request may be tried on
 * @param maxBody the largest request body, 0 for no limit
 */
public record Route(String name, String host, String path, BackendGroup service, Policy policy, Balancer balancer,
        boolean stripPrefix, Duration timeout, int tries, long maxBody) {

    /** The name of the route {@code --prefix} makes (or {@code --backend}). */
    public static final String CATCH_ALL = "catch-all";

    /**
     * The route to {@code service} with {@code settings}, every one set: its balancer is the
     * service's for the policy they make.
     *
     * @throws IllegalArgumentException when the settings make no policy ({@code hash_on} without {@code hash})
     */
    public static Route of(String name, String host, String path, BackendGroup service, RouteSettings settings) {
        Policy policy = settings.toPolicy();
        return new Route(name, host, path, service, policy, service.balancer(policy), settings.stripPrefix(),
                settings.timeout(), settings.tries(), settings.maxBody());
    }

    /** The request path for the backend: {@code /api/users} through a stripping {@code /api/} route is {@code /users}. */
    public String backendUri(String uri) {
        if (!stripPrefix || path.equals("/") || !uri.startsWith(path)) {
            return uri;
        }
        String rest = uri.substring(path.length());
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    @Override
    public String toString() {
        return name + " (" + (host == null ? "" : host) + path + " -> " + service.service() + ", " + policy + ")";
    }
}
