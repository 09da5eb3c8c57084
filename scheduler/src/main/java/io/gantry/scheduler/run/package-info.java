/**
 * Drivers carry out a unit's commands: {@link io.gantry.scheduler.run.HostDriver} on this host (Docker
 * Engine API, child processes), {@link io.gantry.scheduler.run.SimulatedDriver} nowhere.
 */
package io.gantry.scheduler.run;
