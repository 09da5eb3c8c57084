package io.gantry.proxy.route;

/**
 * A route as its etcd value says it, before it is resolved against its service: which requests it
 * takes and where they go.
 *
 * @param name the key's last segment
 * @param host lowercase, exact or {@code *.example.com}, or null for any host
 * @param path the path prefix, starting with {@code /}
 * @param service the service whose backends are under {@code /services/<service>/}
 */
public record RouteSpec(String name, String host, String path, String service, RouteSettings settings) {
}
