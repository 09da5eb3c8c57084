/**
 * The Gantry proxy: a Netty reverse proxy that balances round-robin across backends it reads live
 * from etcd. {@link io.gantry.proxy.ProxyMain} is the command line, {@link io.gantry.proxy.ProxyConfig}
 * the settings, {@link io.gantry.proxy.Proxy} wires the parts together: {@code source} (where backends
 * come from) → {@code backend} (the live set, the selector, the connection pools) → {@code forward}
 * (the request path) on the {@code server}; {@code admin} serves status and metrics.
 */
package io.gantry.proxy;
