/**
 * Where routes and backends come from: {@link io.gantry.proxy.source.EtcdRoutingSource} follows the
 * routes, services' settings and every service's backends in etcd with watches on one thread,
 * applying each change to its key alone ({@link io.gantry.proxy.source.RouteTable},
 * {@link io.gantry.proxy.source.ServiceTable}); {@link io.gantry.proxy.source.StaticBackendSource} is a
 * fixed list.
 */
package io.gantry.proxy.source;
