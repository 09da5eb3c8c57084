package io.gantry.proxy.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a route is matched: an immutable index of routes that finds a request's in time proportional to
 * its host and path, whatever the number of routes, and allocates nothing. The most specific route
 * wins: an exact host over a wildcard (the longer wildcard first) over none; among a host's routes the
 * longest path prefix; equal routes by name. A host whose routes take none of a path leaves it to the
 * next less specific host, so a catch-all still takes what a site's routes do not.
 */
public final class RouteIndex {

    /** The index with no routes: every request is unmatched. */
    public static final RouteIndex EMPTY = new RouteIndex(List.of());

    private final TextTable<PathRoutes> exact;
    private final TextTable<PathRoutes> wildcard;
    private final PathRoutes anyHost;
    private final boolean hasWildcards;
    private final List<Route> routes;

    /**
     * @param routes every route; of routes with the same host and path, the first by name is kept, and
     *     the {@linkplain Route#CATCH_ALL catch-all} only when no other takes its place
     */
    public RouteIndex(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing((Route r) -> r.name().equals(Route.CATCH_ALL)).thenComparing(Route::name));
        Map<String, List<Route>> exactHosts = new LinkedHashMap<>();
        Map<String, List<Route>> wildcards = new LinkedHashMap<>();
        List<Route> any = new ArrayList<>();
        for (Route r : sorted) {
            if (r.host() == null) {
                any.add(r);
            } else if (r.host().startsWith("*.")) {
                wildcards.computeIfAbsent(r.host().substring(2), h -> new ArrayList<>()).add(r);
            } else {
                exactHosts.computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r);
            }
        }
        this.exact = new TextTable<>(byPath(exactHosts), true);
        this.wildcard = new TextTable<>(byPath(wildcards), true);
        this.hasWildcards = !wildcards.isEmpty();
        this.anyHost = any.isEmpty() ? null : new PathRoutes(any);
        this.routes = List.copyOf(sorted);
    }

    private static Map<String, PathRoutes> byPath(Map<String, List<Route>> hosts) {
        Map<String, PathRoutes> out = new HashMap<>();
        hosts.forEach((host, list) -> out.put(host, new PathRoutes(list)));
        return out;
    }

    /**
     * The route for a request, or null when none takes it.
     *
     * @param host the Host header ({@code :authority} for HTTP/2) as sent: any case, perhaps with a port
     *     or a trailing dot; null when there is none
     * @param target the request target: a path with its query, an absolute URI, or {@code *}
     */
    public Route match(String host, String target) {
        int pathStart = pathStart(target);
        if (host != null) {
            int end = hostEnd(host);
            PathRoutes routes = exact.get(host, 0, end, TextTable.hash(host, 0, end, true));
            Route r = routes == null ? null : routes.match(target, pathStart);
            if (r != null) {
                return r;
            }
            if (hasWildcards) {
                for (int dot = host.indexOf('.'); dot >= 0 && dot < end; dot = host.indexOf('.', dot + 1)) {
                    routes = wildcard.get(host, dot + 1, end, TextTable.hash(host, dot + 1, end, true));
                    r = routes == null ? null : routes.match(target, pathStart);
                    if (r != null) {
                        return r;
                    }
                }
            }
        }
        return anyHost == null ? null : anyHost.match(target, pathStart);
    }

    /** Every route, by name, the catch-all last. */
    public List<Route> routes() {
        return routes;
    }

    /** Where the host name ends: before a port and a trailing dot. */
    private static int hostEnd(String host) {
        int end = host.length();
        if (!host.isEmpty() && host.charAt(0) == '[') {
            int close = host.indexOf(']');
            return close < 0 ? end : close + 1;
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }

    /** Where the path begins in a request target: 0, or after an absolute URI's authority; -1 for none ({@code *}). */
    private static int pathStart(String target) {
        if (target.startsWith("/")) {
            return 0;
        }
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return -1;
        }
        return target.indexOf('/', scheme + 3);
    }

    /** One host's routes, by path prefix: the longest prefix of the path that is a route's wins. */
    private static final class PathRoutes {
        private final TextTable<Route> byPath;
        /** byLength[n]: some route's path is n characters long. */
        private final boolean[] byLength;
        private final Route root;

        PathRoutes(List<Route> routes) {
            Map<String, Route> paths = new LinkedHashMap<>();
            for (Route r : routes) {
                paths.putIfAbsent(r.path(), r); // sorted by name: the first keeps its place
            }
            int longest = paths.keySet().stream().mapToInt(String::length).max().orElse(0);
            this.byLength = new boolean[longest + 1];
            paths.keySet().forEach(p -> byLength[p.length()] = true);
            this.root = paths.get("/");
            this.byPath = new TextTable<>(paths, false);
        }

        Route match(String target, int from) {
            if (from < 0) {
                return root; // "*" or an absolute URI without a path: only "/" takes it
            }
            Route best = root;
            int longest = byLength.length - 1;
            int h = 0;
            for (int i = from, end = target.length(); i < end && i - from < longest; i++) {
                char c = target.charAt(i);
                if (c == '?' || c == '#') {
                    break;
                }
                h = TextTable.next(h, c, false);
                int length = i - from + 1;
                if (length > 1 && byLength[length]) {
                    Route r = byPath.get(target, from, i + 1, h);
                    if (r != null) {
                        best = r;
                    }
                }
            }
            return best;
        }
    }
}
