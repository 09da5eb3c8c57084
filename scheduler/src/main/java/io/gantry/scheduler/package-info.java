/**
 * Gantry scheduler: fleet's job with all state in etcd. {@code scheduler.jar agent} runs on every
 * machine, {@code ctl} is fleetctl, {@code simulate} tries placement at scale. Where things are:
 * <ul>
 *   <li>{@link io.gantry.scheduler.unit}: unit files read and checked (systemd + [X-Fleet]);</li>
 *   <li>{@link io.gantry.scheduler.engine}: where a unit is placed ({@code Placement}) and the elected engine;</li>
 *   <li>{@link io.gantry.scheduler.agent}: what runs on a machine, reconciled with its assignments;</li>
 *   <li>{@link io.gantry.scheduler.run} and {@link io.gantry.scheduler.docker}: how a command runs (Docker Engine API, processes, or nothing);</li>
 *   <li>{@link io.gantry.scheduler.state}: the etcd layout ({@code Keys}) and its records;</li>
 *   <li>{@link io.gantry.scheduler.ctl}: the fleetctl commands.</li>
 * </ul>
 */
package io.gantry.scheduler;
