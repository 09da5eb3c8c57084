/**
 * Where a backend is picked: {@link io.gantry.proxy.backend.Backend} and the immutable
 * {@link io.gantry.proxy.backend.BackendSet} snapshots that {@link io.gantry.proxy.backend.BackendGroup}
 * swaps as sources report changes, the per-event-loop {@link io.gantry.proxy.backend.RoundRobinSelector},
 * and the per-event-loop keep-alive {@link io.gantry.proxy.backend.ConnectionPool}.
 */
package io.gantry.proxy.backend;
