/**
 * The scheduler's state in etcd: where each thing lives ({@link io.gantry.scheduler.state.Keys}) and the
 * records stored there, read and written by {@link io.gantry.scheduler.state.Store}.
 */
package io.gantry.scheduler.state;
