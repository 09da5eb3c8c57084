package io.gantry.proxy.source;

import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.Services;
import io.gantry.proxy.balance.Policy;
import io.gantry.proxy.route.Route;
import io.gantry.proxy.route.RouteIndex;
import io.gantry.proxy.route.RouteParser;
import io.gantry.proxy.route.RouteSettings;
import io.gantry.proxy.route.RouteSpec;
import io.gantry.proxy.route.Routes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes and the services' settings as etcd holds them ({@code /gantry/routes/<name>},
 * {@code /gantry/services/<name>}), applied key by key: each value is parsed once, when it changes, and
 * a malformed one is skipped with one warning naming its key while every other route keeps working.
 * When a batch changed any of them, every route is resolved against its service's settings and the
 * command line's, and one new {@link RouteIndex} is published. Owned by one thread.
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);

    private final Services services;
    private final Routes routes;
    private final RouteSettings defaults;
    /** The route {@code --prefix} (or {@code --backend}) makes, or null with {@code --prefix none}. */
    private final RouteSpec catchAll;
    private final Map<String, RouteSpec> specs = new TreeMap<>();
    private final Map<String, RouteSettings> settings = new HashMap<>();
    /** Values skipped, by key, so each is warned about once. */
    private final Map<String, String> rejected = new HashMap<>();
    private Set<String> shadowed = Set.of();
    private boolean changed = true;

    /**
     * @param defaults every setting, from the command line
     * @param catchAll the catch-all route, or null for none
     */
    public RouteTable(Services services, Routes routes, RouteSettings defaults, RouteSpec catchAll) {
        this.services = services;
        this.routes = routes;
        this.defaults = defaults;
        this.catchAll = catchAll;
    }

    /** What the watch of the routes' prefix tells. */
    public EtcdPrefixWatch.Listener routesUnder(String prefix) {
        return new Keys(prefix) {
            @Override
            void apply(String key, String name, String value) {
                RouteSpec spec = RouteParser.route(name, value);
                RouteSpec old = specs.put(key, spec);
                if (!spec.equals(old)) {
                    log.info("route {}: {}{} -> {}", old == null ? "added" : "changed", name, where(spec), spec.service());
                }
            }

            @Override
            void remove(String key, String name) {
                RouteSpec old = specs.remove(key);
                if (old != null) {
                    log.info("route removed: {}{}", name, where(old));
                }
            }

            @Override
            void clearAll() {
                specs.clear();
            }
        };
    }

    /** What the watch of the services' settings tells. */
    public EtcdPrefixWatch.Listener settingsUnder(String prefix) {
        return new Keys(prefix) {
            @Override
            void apply(String key, String name, String value) {
                RouteSettings s = RouteParser.service(value);
                if (!s.equals(settings.put(name, s))) {
                    log.info("service {}: settings {}", name, value.strip());
                }
            }

            @Override
            void remove(String key, String name) {
                if (settings.remove(name) != null) {
                    log.info("service {}: settings removed, the command line's apply", name);
                }
            }

            @Override
            void clearAll() {
                settings.clear();
            }
        };
    }

    /** Resolves and publishes the routes, if anything changed since the last time. */
    public void publish() {
        if (!changed) {
            return;
        }
        changed = false;
        List<Route> resolved = new ArrayList<>(specs.size() + 1);
        Map<BackendGroup, Set<Policy>> used = new HashMap<>();
        for (Map.Entry<String, RouteSpec> e : specs.entrySet()) {
            Route r = resolve(e.getKey(), e.getValue());
            if (r != null) {
                resolved.add(r);
                used.computeIfAbsent(r.service(), g -> new HashSet<>()).add(r.policy());
            }
        }
        if (catchAll != null) {
            Route r = resolve("--prefix", catchAll);
            resolved.add(r);
            used.computeIfAbsent(r.service(), g -> new HashSet<>()).add(r.policy());
        }
        RouteIndex index = new RouteIndex(resolved);
        warnShadowed(index);
        routes.publish(index, rejected.size());
        for (BackendGroup g : services.all()) {
            g.retainBalancers(used.getOrDefault(g, Set.of()));
        }
    }

    private Route resolve(String key, RouteSpec spec) {
        RouteSettings s = spec.settings().over(settings.getOrDefault(spec.service(), RouteSettings.NONE)).over(defaults);
        try {
            Route r = Route.of(spec.name(), spec.host(), spec.path(), services.group(spec.service()), s);
            rejected.remove(key);
            return r;
        } catch (IllegalArgumentException e) {
            // Each level was valid alone; together they contradict (a route's "cookie" over a service's "hash").
            reject(key, spec.toString(), "with its service's settings: " + e.getMessage());
            return null;
        }
    }

    /** Routes that take the same requests as another of an earlier name never match: said once. */
    private void warnShadowed(RouteIndex index) {
        Set<String> now = new HashSet<>();
        Map<String, Route> byPlace = new HashMap<>();
        for (Route r : index.routes()) {
            Route first = byPlace.putIfAbsent(r.host() + " " + r.path(), r);
            if (first != null) {
                now.add(r.name());
                if (!shadowed.contains(r.name())) {
                    log.warn("route {} takes the same host and path as route {}, which wins (by name); {} matches nothing",
                            r.name(), first.name(), r.name());
                }
            }
        }
        shadowed = now;
    }

    private void reject(String key, String value, String why) {
        if (!value.equals(rejected.put(key, value))) {
            log.warn("{}: {}; skipped, every other route keeps working", key, why);
        }
    }

    private static String where(RouteSpec s) {
        return " (" + (s.host() == null ? "any host" : s.host()) + ", " + s.path() + ")";
    }

    /** One prefix's keys, {@code <prefix><name>}, parsed one by one; a change marks the routes to be resolved again. */
    private abstract class Keys implements EtcdPrefixWatch.Listener {
        private final String prefix;

        Keys(String prefix) {
            this.prefix = prefix;
        }

        abstract void apply(String key, String name, String value);

        abstract void remove(String key, String name);

        abstract void clearAll();

        @Override
        public void clear() {
            clearAll();
            changed = true;
        }

        @Override
        public void put(String key, String value) {
            changed = true;
            String name = key.substring(prefix.length());
            try {
                if (name.isEmpty() || name.contains("/")) {
                    throw new IllegalArgumentException("the key is not " + prefix + "<name>");
                }
                apply(key, name, value);
                rejected.remove(key);
            } catch (IllegalArgumentException e) {
                remove(key, name);
                reject(key, value, e.getMessage());
            }
        }

        @Override
        public void delete(String key) {
            changed = true;
            rejected.remove(key);
            remove(key, key.substring(prefix.length()));
        }

        @Override
        public void batchDone() {
            publish();
        }
    }
}
