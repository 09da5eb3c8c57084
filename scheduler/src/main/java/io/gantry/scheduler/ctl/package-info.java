/** fleetctl's commands ({@link io.gantry.scheduler.ctl.Ctl}) over the scheduler's state in etcd. */
package io.gantry.scheduler.ctl;
