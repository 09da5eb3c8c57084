/**
 * Where backends come from: {@link io.gantry.proxy.source.EtcdBackendSource} reads an etcd prefix and
 * follows it with a watch; {@link io.gantry.proxy.source.StaticBackendSource} is a fixed list. Each
 * feeds a {@link io.gantry.proxy.backend.BackendGroup}.
 */
package io.gantry.proxy.source;
